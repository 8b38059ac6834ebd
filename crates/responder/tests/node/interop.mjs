// Node running the guide's own code, for Rampart's interop tests. One subcommand per call;
// input is JSON on stdin, output is JSON on stdout. ENCRYPTION_KEY and JWT_SECRET come from the
// environment, as in the guide's .env.production.
import crypto from 'node:crypto';
import fs from 'node:fs';
import jwt from 'jsonwebtoken';
import bcrypt from 'bcryptjs';

// ---- The guide's "Data Encryption" section, verbatim ----
const algorithm = 'aes-256-gcm';
const encryptionKey = process.env.ENCRYPTION_KEY;

function encryptData(data) {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv(algorithm, Buffer.from(encryptionKey, 'hex'), iv);

  let encrypted = cipher.update(JSON.stringify(data), 'utf8', 'hex');
  encrypted += cipher.final('hex');

  return {
    iv: iv.toString('hex'),
    data: encrypted,
    authTag: cipher.getAuthTag().toString('hex')
  };
}

function decryptData(encrypted) {
  const decipher = crypto.createDecipheriv(
    algorithm,
    Buffer.from(encryptionKey, 'hex'),
    Buffer.from(encrypted.iv, 'hex')
  );

  decipher.setAuthTag(Buffer.from(encrypted.authTag, 'hex'));
  let decrypted = decipher.update(encrypted.data, 'hex', 'utf8');
  decrypted += decipher.final('utf8');

  return JSON.parse(decrypted);
}
// ---- end of the guide's code ----

// The guide's config/jwt.js
const jwtConfig = {
  secretKey: process.env.JWT_SECRET,
  expiryTime: '7d',
  refreshTokenExpiry: '30d',
  algorithm: 'HS256',
  issuer: 'alawael-api',
  audience: 'alawael-users',
};

const guideSignOptions = {
  expiresIn: jwtConfig.expiryTime,
  algorithm: jwtConfig.algorithm,
  issuer: jwtConfig.issuer,
  audience: jwtConfig.audience,
};

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const commands = {
  // [value, ...] -> [payload, ...]
  encrypt: (values) => values.map((v) => encryptData(v)),
  // [payload, ...] -> [{ok: value} | {error: message}, ...]
  decrypt: (payloads) =>
    payloads.map((p) => {
      try {
        return { ok: decryptData(p) };
      } catch (e) {
        return { error: String(e.message) };
      }
    }),
  // The tokens a responder meets: the guide's, an expired one, a wrong audience, alg none,
  // an RS256 one (for algorithm confusion) and a refresh token.
  tokens: () => {
    const secret = jwtConfig.secretKey;
    const now = Math.floor(Date.now() / 1000);
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      guide: jwt.sign({ sub: 'user-42', role: 'admin' }, secret, guideSignOptions),
      refresh: jwt.sign({ sub: 'user-42' }, secret, { ...guideSignOptions, expiresIn: jwtConfig.refreshTokenExpiry }),
      hs512: jwt.sign({ sub: 'user-42' }, secret, { ...guideSignOptions, algorithm: 'HS512' }),
      expired: jwt.sign({ sub: 'user-42', exp: now - 3600, iat: now - 7200 }, secret, {
        algorithm: 'HS256',
        issuer: jwtConfig.issuer,
        audience: jwtConfig.audience,
      }),
      wrongAudience: jwt.sign({ sub: 'user-42' }, secret, { ...guideSignOptions, audience: 'someone-else' }),
      otherSecret: jwt.sign({ sub: 'user-42' }, secret + 'x', guideSignOptions),
      none: jwt.sign({ sub: 'user-42', exp: now + 600 }, null, { algorithm: 'none', issuer: jwtConfig.issuer, audience: jwtConfig.audience }),
      rs256: jwt.sign({ sub: 'user-42' }, privateKey, { ...guideSignOptions, algorithm: 'RS256' }),
      rsPublicKey: publicKey.export({ type: 'spki', format: 'pem' }),
    };
  },
  // {token} -> {ok: claims} | {error}: Node verifying with the guide's options.
  verify: ({ token }) => {
    try {
      return {
        ok: jwt.verify(token, jwtConfig.secretKey, {
          algorithms: [jwtConfig.algorithm],
          issuer: jwtConfig.issuer,
          audience: jwtConfig.audience,
        }),
      };
    } catch (e) {
      return { error: String(e.message) };
    }
  },
  // Benchmarks (bench/tools.sh): {n} -> payload lines / token lines written to {file}, or the
  // same work as examples/throughput.rs timed here: `<what> <count> <milliseconds>`.
  'make-payloads': ({ n, file }) => {
    const lines = [];
    for (let i = 0; i < n; i++) {
      lines.push(JSON.stringify(encryptData({ id: i, nationalId: String(1e9 + i), email: `user${i}@example.com`, tags: ['a', 'b'] })));
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return n;
  },
  'make-tokens': ({ n, file }) => {
    const lines = [];
    for (let i = 0; i < n; i++) lines.push(jwt.sign({ sub: `user-${i}` }, jwtConfig.secretKey, guideSignOptions));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return n;
  },
  'bench-decrypt': ({ file }) => {
    const started = performance.now();
    const values = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => decryptData(JSON.parse(l)));
    return `decrypt ${values.length} ${Math.round(performance.now() - started)}`;
  },
  'bench-jwt': ({ file }) => {
    const started = performance.now();
    let valid = 0;
    for (const token of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      jwt.verify(token, jwtConfig.secretKey, { algorithms: [jwtConfig.algorithm], issuer: jwtConfig.issuer, audience: jwtConfig.audience });
      valid++;
    }
    return `jwt-verify ${valid} ${Math.round(performance.now() - started)}`;
  },
  'bench-bcrypt': ({ hash, password, n }) => {
    const started = performance.now();
    let matched = 0;
    for (let i = 0; i < n; i++) matched += bcrypt.compareSync(password, hash) ? 1 : 0;
    return `bcrypt-check ${matched} ${Math.round(performance.now() - started)}`;
  },
  // {password, costs:[..]} -> [hash, ...]
  bcrypt: ({ password, costs }) => costs.map((c) => bcrypt.hashSync(password, c)),
};

const command = commands[process.argv[2]];
if (!command) {
  console.error(`unknown command ${process.argv[2]}; one of ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await command(await readStdin())));
