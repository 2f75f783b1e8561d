// Small helpers that build the page. Every value from the service is set with textContent:
// nothing it sends is ever parsed as HTML.
export const $ = (id) => document.getElementById(id);

export function cell(text, className, label) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) td.className = className;
  if (label) td.dataset.label = label; // shown before the value when rows become cards (narrow)
  return td;
}

export function clear(element) {
  element.replaceChildren();
}

const number = new Intl.NumberFormat('en-US');
export const fmt = (n) => number.format(Math.round(Number(n) || 0));

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '';
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return seconds + 's';
  if (seconds < 3600) return Math.floor(seconds / 60) + 'm' + String(seconds % 60).padStart(2, '0') + 's';
  return Math.floor(seconds / 3600) + 'h' + String(Math.floor((seconds % 3600) / 60)).padStart(2, '0') + 'm';
}

export function elapsed(job) {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  return (end - Date.parse(job.startedAt)) / 1000;
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}

export function percent(job) {
  const c = job.counts || {};
  return c.total ? Math.min(100, (100 * (c.processed || 0)) / c.total) : (isFinal(job) ? 100 : 0);
}

export const FINAL = new Set(['completed', 'completed_with_errors', 'failed', 'cancelled']);
export const isFinal = (job) => FINAL.has(job.status);

export function badge(element, status) {
  element.textContent = String(status || '').replaceAll('_', ' ');
  element.className = 'badge status-' + String(status || '').replace(/[^a-z_]/g, '');
}

/** Items per second over time, as a line on the canvas (its own pixels: no CSS, no script). */
export function drawChart(canvas, points) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 640;
  const height = canvas.clientHeight || 120;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = '12px system-ui, sans-serif';
  g.fillStyle = '#4a5562';
  if (points.length < 2) {
    g.fillText('items/s: waiting for progress events', 8, 18);
    return;
  }
  const t0 = points[0].t;
  const span = Math.max(1, points[points.length - 1].t - t0);
  const top = Math.max(1, ...points.map((p) => p.rate)) * 1.1;
  const pad = { left: 8, right: 8, top: 22, bottom: 8 };
  const x = (t) => pad.left + ((t - t0) / span) * (width - pad.left - pad.right);
  const y = (r) => height - pad.bottom - (r / top) * (height - pad.top - pad.bottom);
  g.strokeStyle = '#c9d1da';
  g.beginPath();
  g.moveTo(pad.left, y(0));
  g.lineTo(width - pad.right, y(0));
  g.stroke();
  g.strokeStyle = '#0b5394';
  g.lineWidth = 2;
  g.beginPath();
  points.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.rate)) : g.moveTo(x(p.t), y(p.rate))));
  g.stroke();
  const last = points[points.length - 1].rate;
  g.fillText('items/s: now ' + fmt(last) + ', peak ' + fmt(top / 1.1) + ' over ' + duration(span / 1000), 8, 16);
}
