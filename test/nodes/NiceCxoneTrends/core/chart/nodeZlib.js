/**
 * Node's zlib for the chart tests, which check our own deflate against it. (Plain JS: the package's lint
 * refuses Node built-ins in TypeScript, since n8n allows none of them in node code.)
 */
'use strict';

const zlib = require('node:zlib');

/**
 * @param {Uint8Array} stream a zlib stream (RFC 1950)
 * @returns {Uint8Array} the bytes it holds
 */
const inflate = (stream) => new Uint8Array(zlib.inflateSync(stream));

/**
 * @param {Uint8Array} stream a raw deflate stream (RFC 1951)
 * @returns {Uint8Array} the bytes it holds
 */
const inflateRaw = (stream) => new Uint8Array(zlib.inflateRawSync(stream));

/**
 * @param {Uint8Array} data bytes to compress
 * @returns {number} the size in bytes of zlib's own stream of them at the default level
 */
const zlibDeflatedLength = (data) => zlib.deflateSync(data).length;

module.exports = { inflate, inflateRaw, zlibDeflatedLength };
