// A local OpenAI-compatible chat model for the e2e: n8n's OpenAI Chat Model node is pointed at it
// (the credential's Base URL), and it answers from a script instead of a language model, so the AI
// Agent's run is the same every time. Plain node:http, no dependency.
import http from 'node:http';

/**
 * Starts the server on 127.0.0.1. `reply(body)` gives the answer to a chat completion request from
 * its body (the conversation so far, the tools offered): `{ toolCalls: [{ name, arguments }] }` (the
 * model calls tools; `arguments` is an object) or `{ content }` (the final message). It may throw to
 * fail the request with a 400 that names the reason; n8n then reports it, and the test sees it in
 * `requests`.
 *
 * Serves `POST /v1/chat/completions` (as JSON, or as server-sent events when the body asks for
 * `stream: true`) and `GET /v1/models`; anything else is a 404 in OpenAI's error shape. Each request
 * must carry `Authorization: Bearer <apiKey>`. Every request is recorded as `{method, path, body,
 * status, error?}` in `requests`, in order.
 *
 * Resolves to `{ url, apiKey, model, requests, completions(), close() }`: `url` ends in `/v1` (the
 * credential's Base URL), `completions()` the recorded chat completion requests.
 */
export async function startScriptedChatModel({ reply, apiKey = 'sk-e2e-scripted-model', model = 'gpt-5-mini' }) {
	const requests = [];
	let idCounter = 0;
	const nextId = (prefix) => `${prefix}-e2e-${++idCounter}`;

	const server = http.createServer((req, res) => {
		let text = '';
		req.setEncoding('utf8');
		req.on('data', (chunk) => (text += chunk));
		req.on('end', () => {
			const path = new URL(req.url, 'http://localhost').pathname;
			const record = { method: req.method, path, body: undefined, status: 200 };
			requests.push(record);
			const fail = (status, message) => {
				record.status = status;
				record.error = message;
				res.writeHead(status, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
			};
			try {
				record.body = text ? JSON.parse(text) : undefined;
			} catch {
				return fail(400, 'The body is not JSON.');
			}
			if (req.headers.authorization !== `Bearer ${apiKey}`) return fail(401, 'Incorrect API key provided.');
			if (req.method === 'GET' && path === '/v1/models') {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				return res.end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'e2e' }] }));
			}
			if (req.method !== 'POST' || path !== '/v1/chat/completions') return fail(404, `${req.method} ${path} is not served here.`);
			let answer;
			try {
				answer = reply(record.body);
			} catch (error) {
				return fail(400, `The scripted model refused the request: ${error.message}`);
			}
			const message = assistantMessage(answer, nextId);
			const finishReason = message.tool_calls ? 'tool_calls' : 'stop';
			const id = nextId('chatcmpl');
			const created = 1_700_000_000;
			const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
			if (record.body?.stream) {
				record.streamed = true;
				res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
				for (const delta of streamDeltas(message)) {
					const chunk = { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: null }] };
					res.write(`data: ${JSON.stringify(chunk)}\n\n`);
				}
				const last = { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: {}, finish_reason: finishReason }], usage };
				res.write(`data: ${JSON.stringify(last)}\n\n`);
				return res.end('data: [DONE]\n\n');
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }], usage }));
		});
	});
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		url: `http://127.0.0.1:${port}/v1`,
		apiKey,
		model,
		requests,
		completions: () => requests.filter((request) => request.path === '/v1/chat/completions'),
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

/** The assistant message of a scripted answer, as the Chat Completions API returns it. */
function assistantMessage(answer, nextId) {
	if (answer.toolCalls) {
		return {
			role: 'assistant',
			content: null,
			tool_calls: answer.toolCalls.map((call) => ({
				id: nextId('call'),
				type: 'function',
				function: { name: call.name, arguments: JSON.stringify(call.arguments) },
			})),
		};
	}
	return { role: 'assistant', content: answer.content };
}

/** The message as stream deltas: the role, then the content or each tool call whole. */
function streamDeltas(message) {
	const deltas = [{ role: 'assistant', content: '' }];
	if (message.content) deltas.push({ content: message.content });
	(message.tool_calls ?? []).forEach((call, index) => deltas.push({ tool_calls: [{ index, ...call }] }));
	return deltas;
}
