// A proxy for the clients' retry tests: answers every other POST (the first, third, ...) with
// 503 STORE_UNAVAILABLE (Retry-After: 0) and forwards everything else to the airlock given as
// the first argument. `GET /__seen` lists each POST's Idempotency-Key and body SHA-256, so a
// test can check that a retry sent the same key and the whole body again. Prints
// "proxy PORT" when listening.
//
// With `lose-answer` as the second argument, those POSTs are forwarded first and only their
// answer is replaced by the 503: airlock has recorded the decision, the client never heard, and
// its retry (same key, same body) must get that decision back rather than a second one.
const http = require('node:http');
const crypto = require('node:crypto');

const upstream = process.argv[2];
const loseAnswer = process.argv[3] === 'lose-answer';
const seen = [];

function forward(req, body) {
  const headers = { ...req.headers };
  delete headers.host;
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  return fetch(upstream + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
}
http
  .createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/__seen') {
      res.end(JSON.stringify(seen));
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST') {
      seen.push({ key: req.headers['idempotency-key'] ?? null, sha256: crypto.createHash('sha256').update(body).digest('hex') });
      if (seen.length % 2 === 1) {
        if (loseAnswer) await forward(req, body);
        res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Store unavailable', status: 503, code: 'STORE_UNAVAILABLE', detail: 'try again' }));
        return;
      }
    }
    const r = await forward(req, body);
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await r.arrayBuffer()));
  })
  .listen(0, '127.0.0.1', function () {
    console.log(`proxy ${this.address().port}`);
  });
