// The one client of the AlgoAgent API: same origin, session cookie + CSRF header, error shape.

// Said in words when the answer is not the API's error shape (a proxy's page, a crash).
const STATUS_WORDS = {
  500: 'The server hit an internal error (HTTP 500). Try again; if it keeps happening, the server log says why.',
  502: 'The server is not answering behind its proxy (HTTP 502). Try again in a moment.',
  503: 'The server is busy or restarting (HTTP 503). Try again in a moment.',
  504: 'The server took too long to answer (HTTP 504). Try again in a moment.',
};

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || STATUS_WORDS[status] || `The server answered HTTP ${status}.`);
    this.status = status;
    this.code = error.code || 'http_error';
    this.details = error.details || {};
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

// -> {status, data}; throws ApiError for any status >= 400 (with the API's message).
export async function request(path, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    if (body instanceof FormData) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  if (method !== 'GET') init.headers['X-CSRFToken'] = csrfToken();
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, { error: { code: 'network_error', message: 'The server cannot be reached. Is it running?' } });
  }
  const type = res.headers.get('Content-Type') || '';
  const data = res.status === 204 ? null : type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, data);
  return { status: res.status, data };
}

export async function api(path, options) {
  return (await request(path, options)).data;
}

export const qs = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

// Follow a job's events until it finishes; resolve with the finished job (status, result, error).
// Events come from the SSE stream, read with fetch so every event kind arrives and a lost
// connection resumes with Last-Event-ID (the server continues after the last event seen). A
// stream that sends nothing at all within `quietMs` (a server that buffers streams) is replaced by
// the JSON endpoint with ?after=<last seq>: either way only the job's real events are shown.
export function followJob(jobId, onEvent, { quietMs = 1500, pollMs = 400 } = {}) {
  const base = `/api/jobs/${jobId}/`;
  let lastSeq = 0;
  let finished = false;
  let controller = null;
  return new Promise((resolve, reject) => {
    const finish = () => {
      if (finished) return;
      finished = true;
      if (controller) controller.abort();
      api(base).then(resolve, reject);
    };
    const fail = (err) => {
      if (finished) return;
      finished = true;
      if (controller) controller.abort();
      reject(err);
    };
    const handle = (event) => {
      if (finished || event.seq <= lastSeq) return;
      lastSeq = event.seq;
      onEvent(event);
      if (TERMINAL.has(event.kind)) finish();
    };
    const poll = async () => {
      while (!finished) {
        const events = await api(`${base}events/?after=${lastSeq}`);
        events.forEach(handle);
        if (finished) return;
        if (!events.length) {
          const job = await api(base);
          if (TERMINAL.has(job.status)) {
            // It ended after the events were read: its last events (written with its status)
            // are there now; show them before its outcome.
            (await api(`${base}events/?after=${lastSeq}`)).forEach(handle);
            return finish();
          }
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    };
    // One connection; true when the stream proved live (sent bytes), false when it stayed silent.
    const stream = async () => {
      controller = new AbortController();
      let live = false;
      const timer = setTimeout(() => { if (!live) controller.abort(); }, quietMs);
      try {
        const res = await fetch(`${base}events/`, {
          credentials: 'same-origin',
          signal: controller.signal,
          headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(lastSeq) },
        });
        if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          live = true;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (data) handle(JSON.parse(data));
          }
        }
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (finished) return true;
      } finally {
        clearTimeout(timer);
      }
      return live;
    };
    (async () => {
      let failures = 0;
      while (!finished) {
        const live = await stream();
        if (finished) return;
        if (!live) return poll();
        // The stream ended (time limit, proxy, lost connection) before the job did: resume.
        failures += 1;
        await new Promise((r) => setTimeout(r, Math.min(200 * failures, 2000)));
      }
    })().catch(fail);
  });
}
