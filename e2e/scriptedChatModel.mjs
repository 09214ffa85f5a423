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
 * Serves what n8n's OpenAI Chat Model asks for in a run with *Use Responses API* off: `POST
 * /v1/chat/completions`, answered as JSON. A request for a stream (`stream: true`, which n8n does not
 * send from `n8n execute`) is refused with a 400 that says so, and any other path is a 404 in OpenAI's
 * error shape, so a test that checks `requests` names what n8n asked for. Each request must carry
 * `Authorization: Bearer <apiKey>`. Every request is recorded as `{method, path, body, status, error?}`
 * in `requests`, in order.
 *
 * Resolves to `{ url, apiKey, requests, completions(), close() }`: `url` ends in `/v1` (the
 * credential's Base URL), `completions()` the recorded chat completion requests.
 */
export async function startScriptedChatModel({ reply, apiKey = 'sk-e2e-scripted-model' }) {
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
			if (req.method !== 'POST' || path !== '/v1/chat/completions') return fail(404, `${req.method} ${path} is not served here.`);
			if (record.body?.stream) return fail(400, 'The scripted model does not stream; the request asked for stream: true.');
			let answer;
			try {
				answer = reply(record.body);
			} catch (error) {
				return fail(400, `The scripted model refused the request: ${error.message}`);
			}
			const message = assistantMessage(answer, nextId);
			const body = {
				id: nextId('chatcmpl'),
				object: 'chat.completion',
				created: 1_700_000_000,
				model: record.body?.model,
				choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop', logprobs: null }],
				usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
			};
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(body));
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
