// A minimal W3C WebDriver client over fetch: just what the end-to-end tests use.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application) {
    const res = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application } } },
    });
    return new Session(base, res.sessionId);
  }

  async cmd(method, path, body) {
    return (await call(this.base, method, `/session/${this.id}${path}`, body)).value;
  }

  /** Waits up to `ms` for an element matching `css`, returns its id. */
  async find(css, ms = 10000) {
    const until = Date.now() + ms;
    let last;
    while (Date.now() < until) {
      try {
        const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
        return v[ELEMENT];
      } catch (e) {
        last = e;
        await sleep(100);
      }
    }
    throw new Error(`no element ${css} after ${ms} ms: ${last?.message}`);
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => e[ELEMENT]);
  }

  async gone(css, ms = 10000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if ((await this.findAll(css)).length === 0) return;
      await sleep(100);
    }
    throw new Error(`${css} still present after ${ms} ms`);
  }

  async click(css) {
    await this.cmd('POST', `/element/${await this.find(css)}/click`, {});
  }

  async type(css, text) {
    const el = await this.find(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  async text(css) {
    return this.cmd('GET', `/element/${await this.find(css)}/text`);
  }

  async attr(css, name) {
    return this.cmd('GET', `/element/${await this.find(css)}/attribute/${name}`);
  }

  async value(css) {
    return this.cmd('GET', `/element/${await this.find(css)}/property/value`);
  }

  async end() {
    await call(this.base, 'DELETE', `/session/${this.id}`).catch(() => {});
  }
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value && json.value.sessionId ? json.value : json;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
