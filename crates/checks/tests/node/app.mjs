// An Express API for the checklist's live tests, set up as the guide says (`good`) or making
// its mistakes (`bad`). Listens on 127.0.0.1 at a free port and prints `listening PORT`; with
// TLS_CERT and TLS_KEY (PEM files) it serves HTTPS, as the guide's section 5 does.
// usage: node app.mjs good|bad
import fs from 'node:fs';
import https from 'node:https';
import express from 'express';
import helmet from 'helmet';
import cors from 'cors';
import rateLimit from 'express-rate-limit';

const mode = process.argv[2];
if (mode !== 'good' && mode !== 'bad') {
  console.error('usage: node app.mjs good|bad');
  process.exit(2);
}
const app = express();

if (mode === 'good') {
  // The guide's sections 4, 6 and 8: helmet, a CORS allow-list, rate limits, JSON only.
  app.use(helmet());
  app.use(
    cors({
      origin: ['https://app.example.com'],
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      maxAge: 86400,
    }),
  );
  const limiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    max: 100,
    message: { error: 'Too many requests from this IP' },
    standardHeaders: true,
    legacyHeaders: false,
  });
  app.use('/api/', limiter);
  const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, max: 5, skipSuccessfulRequests: true });
  app.post('/api/auth/login', loginLimiter, express.json({ limit: '100kb' }), (req, res) => {
    res.status(401).json({ error: 'invalid credentials' });
  });
  app.use('/api/', (req, res, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is('application/json')) {
      return res.status(415).json({ error: 'send JSON' });
    }
    next();
  });
  app.use(express.json({ limit: '100kb' }));
} else {
  // The mistakes: any origin reflected with credentials, no helmet, no limits, a large body
  // limit, and errors that show the stack.
  app.use(cors({ origin: true, credentials: true }));
  app.post('/api/auth/login', express.json({ limit: '50mb' }), (req, res) => {
    res.status(401).json({ error: 'invalid credentials' });
  });
  app.use(express.json({ limit: '50mb' }));
}

app.get('/health', (req, res) => res.json({ status: 'ok', version: '1.0.0' }));
app.get('/api/users', (req, res) => res.json({ users: [] }));
app.post('/api/users', (req, res) => {
  if (typeof req.body?.email !== 'string') return res.status(400).json({ error: 'email is required' });
  res.status(201).json({ ok: true });
});
app.get('/', (req, res) => res.json({ name: 'api' }));
app.use((req, res) => res.status(404).json({ error: 'Not found' }));
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  const status = err.status || err.statusCode || 500;
  if (mode === 'good') return res.status(status < 500 ? status : 500).json({ error: status < 500 ? err.type || 'bad request' : 'internal error' });
  res.status(500).send(`<html><body><pre>${err.stack}</pre></body></html>`);
});

const tls = process.env.TLS_CERT && process.env.TLS_KEY;
const server = tls
  ? https.createServer({ cert: fs.readFileSync(process.env.TLS_CERT), key: fs.readFileSync(process.env.TLS_KEY) }, app)
  : app;
const listening = server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${listening.address().port}`);
});
