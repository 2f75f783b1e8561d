// The jobs API of this service, called with the operator's bearer token. The token lives in this
// tab's sessionStorage only: never in a URL, a cookie or localStorage.
const TOKEN_KEY = 'user-batch-service.token';
const JOBS = new URL('../batch/users/jobs', document.baseURI);

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function jobUrl(id, tail = '') {
  return new URL(JOBS.pathname + '/' + encodeURIComponent(id) + tail, JOBS);
}

function headers(extra = {}) {
  return { ...extra, Authorization: 'Bearer ' + token.get() };
}

async function errorOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return new ApiError(response.status, body.code || 'HTTP_' + response.status, body.message || text);
  } catch (e) {
    return new ApiError(response.status, 'HTTP_' + response.status, text || response.statusText);
  }
}

async function call(url, options = {}) {
  const response = await fetch(url, {
    ...options,
    headers: headers(options.headers),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response;
}

export async function listJobs(limit = 20) {
  const url = new URL(JOBS);
  url.searchParams.set('limit', String(limit));
  return (await call(url)).json();
}

export async function getJob(id) {
  return (await call(jobUrl(id))).json();
}

export async function cancelJob(id) {
  return (await call(jobUrl(id), { method: 'DELETE' })).json();
}

/** Lines of a streamed text body, as they arrive. */
async function* lines(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      yield buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
    }
  }
  if (buffer) yield buffer;
}

/**
 * Follows the job's Server-Sent Events with fetch() (EventSource cannot send the Authorization
 * header): onEvent(name, record) for each; resolves when the service closes the stream.
 */
export async function followEvents(id, onEvent, signal) {
  const response = await call(jobUrl(id, '/events'), {
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  let name = '';
  let data = [];
  for await (const line of lines(response)) {
    if (line === '') {
      if (data.length) onEvent(name || 'message', JSON.parse(data.join('\n')));
      name = '';
      data = [];
    } else if (!line.startsWith(':')) {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
  }
  if (data.length) onEvent(name || 'message', JSON.parse(data.join('\n')));
}

/** The first `max` failures of a job; the rest of the stream is not read. */
export async function firstFailures(id, max) {
  const controller = new AbortController();
  const response = await call(jobUrl(id, '/failures'), { signal: controller.signal });
  const failures = [];
  try {
    for await (const line of lines(response)) {
      if (line.trim()) failures.push(JSON.parse(line));
      if (failures.length >= max) break;
    }
  } finally {
    controller.abort();
  }
  return failures;
}

/** The whole failure file, for a download. */
export async function failuresBlob(id) {
  return (await call(jobUrl(id, '/failures'))).blob();
}

/**
 * Uploads a file as a new job, streamed by the browser from disk; onProgress(sent, total) while
 * it goes. XMLHttpRequest, because fetch() reports no upload progress.
 */
export function upload(file, query, onProgress) {
  const url = new URL(JOBS);
  for (const [key, value] of Object.entries(query)) {
    if (value !== '' && value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  const type = /\.csv$/i.test(file.name) ? 'text/csv' : 'application/x-ndjson';
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', 'Bearer ' + token.get());
    xhr.setRequestHeader('Content-Type', type);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (e) {
        body = null;
      }
      if (xhr.status === 202 && body) resolve(body);
      else reject(new ApiError(xhr.status, (body && body.code) || 'HTTP_' + xhr.status, (body && body.message) || xhr.statusText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload did not reach the service'));
    xhr.send(file);
  });
}
