// The jobs console: sign in with a token, list jobs, follow one live, see its failures, start
// and cancel jobs. Everything the service sends is shown with textContent (see view.js).
import * as api from './api.js';
import { $, badge, cell, clear, drawChart, duration, elapsed, fmt, isFinal, percent, time } from './view.js';

const FIRST_FAILURES = 20;
const state = { selected: null, job: null, follow: null, points: [], listTimer: null };

function notice(text, isError = false) {
  const box = $('notice');
  box.textContent = text;
  box.classList.toggle('error', isError);
  box.hidden = !text;
}

function failed(error) {
  if (error && error.name === 'AbortError') return;
  if (error instanceof api.ApiError && error.status === 401) {
    signOut('The service refused the token (' + error.message + '). Paste a valid one.');
    return;
  }
  const text = error instanceof api.ApiError ? error.status + ' ' + error.code + ': ' + error.message : String(error);
  notice(text, true);
}

function signedIn(yes) {
  $('signin').hidden = yes;
  $('start').hidden = !yes;
  $('jobs').hidden = !yes;
  $('forget').hidden = !yes;
  if (!yes) $('job').hidden = true;
}

function signOut(message) {
  api.token.clear();
  stopFollowing();
  clearInterval(state.listTimer);
  state.selected = null;
  signedIn(false);
  notice(message || '', Boolean(message));
  $('token').focus();
}

async function signIn(value) {
  api.token.set(value);
  try {
    await refreshJobs();
  } catch (error) {
    failed(error);
    return;
  }
  notice('');
  signedIn(true);
  clearInterval(state.listTimer);
  state.listTimer = setInterval(() => refreshJobs().catch(failed), 5000);
}

async function refreshJobs() {
  const page = await api.listJobs(20);
  const body = $('jobs-table').tBodies[0];
  clear(body);
  for (const job of page.jobs || []) {
    const row = document.createElement('tr');
    row.dataset.id = job.id;
    row.classList.toggle('selected', job.id === state.selected);
    const status = cell('');
    const label = document.createElement('span');
    badge(label, job.status);
    status.append(label);
    const c = job.counts || {};
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'quiet';
    open.textContent = 'Open';
    open.setAttribute('aria-label', 'Open job ' + job.id);
    open.addEventListener('click', () => select(job.id).catch(failed));
    const action = cell('');
    action.append(open);
    row.append(
      status,
      cell(job.operation, '', 'Operation'),
      cell(fmt(c.processed) + ' / ' + fmt(c.total), 'num', 'Processed'),
      cell(fmt(c.failed), 'num', 'Failed'),
      cell(time(job.startedAt || job.createdAt), 'wide', 'Started'),
      cell(duration(elapsed(job)), 'num wide', 'Duration'),
      action,
    );
    body.append(row);
  }
  $('jobs-empty').hidden = (page.jobs || []).length > 0;
}

function render(job) {
  state.job = job;
  const c = job.counts || {};
  $('job').hidden = false;
  badge($('job-status'), job.status);
  $('job-id').textContent = job.id;
  $('job-operation').textContent = job.operation + ' · ' + job.format + ' · created ' + time(job.createdAt);
  const done = percent(job);
  $('job-bar').value = done;
  $('job-bar').setAttribute('aria-valuetext', done.toFixed(1) + ' %');
  const parts = [done.toFixed(1) + ' %', fmt(c.processed) + ' / ' + fmt(c.total) + ' items'];
  if (!isFinal(job) && job.rate !== undefined && job.rate !== null) parts.push(fmt(job.rate) + ' items/s');
  if (!isFinal(job) && job.etaSeconds !== undefined && job.etaSeconds !== null) parts.push('ETA ' + duration(job.etaSeconds));
  if (isFinal(job) && elapsed(job) !== null) parts.push('took ' + duration(elapsed(job)));
  $('job-progress').textContent = parts.join(' · ');
  const counts = $('job-counts');
  clear(counts);
  for (const name of ['total', 'processed', 'succeeded', 'failed', 'skipped']) {
    const box = document.createElement('div');
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = name;
    dd.textContent = fmt(c[name]);
    box.append(dt, dd);
    counts.append(box);
  }
  $('job-error').textContent = job.error || '';
  $('job-error').hidden = !job.error;
  $('cancel').hidden = isFinal(job);
  if (isFinal(job)) $('confirm').hidden = true;
  $('download').hidden = !(c.failed > 0);
}

function stopFollowing() {
  if (state.follow) state.follow.abort();
  state.follow = null;
}

async function select(id) {
  stopFollowing();
  state.selected = id;
  state.points = [];
  $('failures').hidden = true;
  $('confirm').hidden = true;
  for (const row of $('jobs-table').tBodies[0].rows) row.classList.toggle('selected', row.dataset.id === id);
  const job = await api.getJob(id);
  render(job);
  drawChart($('chart'), state.points);
  $('job').scrollIntoView({ block: 'nearest' });
  if (isFinal(job)) {
    await showFailures(job);
  } else {
    follow(id);
  }
}

function follow(id) {
  const controller = new AbortController();
  state.follow = controller;
  api
    .followEvents(
      id,
      (name, job) => {
        if (state.selected !== id) return;
        render(job);
        if (!isFinal(job)) {
          state.points.push({ t: Date.now(), rate: Number(job.rate) || 0 });
          drawChart($('chart'), state.points);
        }
      },
      controller.signal,
    )
    .then(async () => {
      if (state.selected !== id || controller.signal.aborted) return;
      const job = await api.getJob(id);
      render(job);
      await showFailures(job);
      await refreshJobs();
    })
    .catch(failed);
}

async function showFailures(job) {
  const c = job.counts || {};
  if (!(c.failed > 0)) {
    $('failures').hidden = true;
    return;
  }
  const codes = $('codes-table').tBodies[0];
  clear(codes);
  for (const [code, count] of Object.entries(job.failuresByCode || {})) {
    const row = document.createElement('tr');
    row.append(cell(code), cell(fmt(count), 'num'));
    codes.append(row);
  }
  const rows = $('failures-table').tBodies[0];
  clear(rows);
  for (const failure of await api.firstFailures(job.id, FIRST_FAILURES)) {
    const row = document.createElement('tr');
    row.append(
      cell(failure.line, 'num', 'Line'),
      cell(failure.code, '', 'Code'),
      cell(failure.error, '', 'Error'),
      cell(JSON.stringify(failure.item), 'item', 'Item'),
    );
    rows.append(row);
  }
  $('failures').hidden = false;
}

async function download() {
  const id = state.selected;
  const blob = await api.failuresBlob(id);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = 'job-' + id + '.failures.ndjson';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

async function cancel() {
  $('confirm').hidden = true;
  const job = await api.cancelJob(state.selected);
  render(job);
  notice('Cancel requested for job ' + job.id + ': chunks in flight finish, the rest are not processed.');
  await refreshJobs();
}

function mib(bytes) {
  return (bytes / (1024 * 1024)).toFixed(1) + ' MiB';
}

async function startJob(event) {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) return;
  const button = $('upload');
  button.disabled = true;
  $('upload-progress').hidden = false;
  const query = {
    operation: $('operation').value,
    onConflict: $('on-conflict').value,
    dryRun: $('dry-run').checked ? 'true' : '',
  };
  try {
    const job = await api.upload(file, query, (sent, total) => {
      const share = total ? (100 * sent) / total : 0;
      $('upload-bar').value = share;
      $('upload-text').textContent =
        share >= 100
          ? 'Uploaded ' + mib(total) + ': the service is storing every line…'
          : mib(sent) + ' of ' + mib(total) + ' (' + share.toFixed(0) + ' %)';
    });
    $('upload-text').textContent = 'Job ' + job.id + ' started: ' + fmt((job.counts || {}).total) + ' items staged';
    notice('');
    await refreshJobs();
    await select(job.id);
  } catch (error) {
    $('upload-text').textContent = 'Upload refused';
    failed(error);
  } finally {
    button.disabled = false;
  }
}

function wire() {
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    $('token').value = '';
    if (value) signIn(value);
  });
  $('forget').addEventListener('click', () => signOut());
  $('refresh').addEventListener('click', () => refreshJobs().catch(failed));
  $('upload-form').addEventListener('submit', (event) => startJob(event).catch(failed));
  $('cancel').addEventListener('click', () => {
    $('confirm').hidden = false;
    $('confirm-no').focus();
  });
  $('confirm-no').addEventListener('click', () => {
    $('confirm').hidden = true;
    $('cancel').focus();
  });
  $('confirm-yes').addEventListener('click', () => cancel().catch(failed));
  $('download').addEventListener('click', () => download().catch(failed));
  window.addEventListener('resize', () => drawChart($('chart'), state.points));
  if (api.token.get()) signIn(api.token.get());
  else signedIn(false);
}

wire();
