// Jobs in the page: a job's live progress with its Cancel, starting and following a job, and
// keeping the job an action started, so that a reload or a return to the screen follows it again.
import { ApiError, api, followJob, request } from './api.js';
import { clear, clearError, guard, h, showError } from './ui.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

// A job's live events, and a Cancel button while it runs (POST /api/jobs/<id>/cancel/: a queued
// job stops at once, a running one at its next checkpoint; the job's own "cancelled" event ends it).
// A cancel is not a failure: it ends with a neutral notice here, never in the error banner.
export function progressPanel() {
  const list = h('ol', { class: 'events', 'aria-live': 'polite' });
  const bar = h('progress', { max: '100', 'aria-label': 'Job progress' });
  let jobId = null;
  const cancel = h('button', { type: 'button', 'data-testid': 'job-cancel', hidden: true, onclick: async () => {
    cancel.disabled = true;
    cancel.textContent = 'Cancelling…';
    try {
      await api(`/api/jobs/${jobId}/cancel/`, { method: 'POST' });
    } catch (err) {
      // 409 job_finished: it ended before the cancel arrived; its own last event says how.
      if (err.code !== 'job_finished') showError(err);
    }
  } }, 'Cancel');
  const done = () => { cancel.hidden = true; };
  const panel = h('div', { class: 'panel progress', 'data-testid': 'job-progress' }, h('h2', {}, 'Progress'), h('div', { class: 'row' }, bar, cancel), list);
  return {
    panel,
    started(id) { jobId = id; cancel.hidden = false; },
    // The job ended in an error: nothing was running (a refusal answered at once) -> no panel.
    stop(err) {
      done();
      if (err.cancelled) {
        panel.append(h('p', { class: 'notice', role: 'status', 'data-testid': 'job-cancelled' }, `Note: ${err.message}`));
        return;
      }
      if (!list.children.length) { panel.remove(); return; }
      bar.value = bar.value || 0;
      list.append(h('li', { 'data-kind': 'error' }, `✗ ${err.message}`));
    },
    add(event) {
      if (FINISHED.has(event.kind)) done();
      if (typeof event.progress === 'number') bar.value = event.progress;
      list.append(h('li', { 'data-kind': event.kind, 'data-seq': String(event.seq) }, h('span', { class: 'muted' }, new Date(event.time).toLocaleTimeString()), ' ', event.message || event.kind));
    },
  };
}

// Start a job-backed action: an immediate result (200/201), or a job to follow; returns the result.
export async function runJob(path, body, progress) {
  let accepted;
  try {
    const { status, data } = await request(path, { method: 'POST', body });
    if (status !== 202) return data;
    accepted = data;
  } catch (err) {
    progress.stop(err);
    throw err;
  }
  return resumeJob(accepted.job_id, progress);
}

// Follow a job already started (by this page, or before a reload) to its end: every one of its
// events, then its result. A failure is thrown as the API's error; a cancel as an error with
// `cancelled` set, which showError leaves out of the banner (progressPanel says it instead).
export async function resumeJob(jobId, progress, { running = true } = {}) {
  try {
    if (running && progress.started) progress.started(jobId);
    const job = await followJob(jobId, (e) => progress.add(e));
    if (job.status === 'succeeded') return job.result;
    if (job.status === 'cancelled') {
      const err = new ApiError(409, { error: { code: 'cancelled', message: 'Cancelled: the job was stopped at your request.' } });
      err.cancelled = true;
      throw err;
    }
    throw new ApiError(422, { error: job.error || { code: job.status, message: `The job ${job.status}.` } });
  } catch (err) {
    progress.stop(err);
    throw err;
  }
}

// Read a kept job: {id, at} (at: when it was started, ms), or a bare id as kept before.
function readKept(key) {
  const raw = sessionStorage.getItem(key);
  if (!raw) return null;
  try {
    const kept = JSON.parse(raw);
    if (kept && typeof kept === 'object' && kept.id) return kept;
  } catch {
    // not JSON: a bare id
  }
  return { id: raw, at: 0 };
}

// One job-backed action of a screen (describe, run, fix, chat, a research tab) and the job it
// started. start(path, body) POSTs and follows the job in `box` (its events, Cancel while it
// runs, `button` disabled); the job's id is kept for this browser tab (sessionStorage `key`), so
// when the screen renders again (a reload, or coming back to it) the same job is followed again
// from its first event: its live progress, then its outcome, as if the page had stayed open.
// - The outcome is shown by whichever screen is on the page when the job ends: one left or
//   re-rendered meanwhile leaves it to the next one.
// - Once shown, the id is forgotten, unless `keep` (a research tab shows its result each time).
// - Actions that share a screen name a `scope`: a job that finished while the page was away
//   shows its outcome only if no later job of that scope was started since; otherwise its
//   outcome (already saved: a run in the list, a fix in the history) would replace a newer one.
// - An id the API does not know (deleted, another account's, not an id) is forgotten silently.
// - A failure goes to `onError(err, request)` (the banner by default); a cancel is the progress
//   panel's neutral notice. `onStart(request)` and `onEvent(event, request)` see the job's request
//   (the job's stored input when it is followed again), `onResult(result, request)` its result.
// - `onResume(job)` sees a job from before (its kind and stored input) before it is followed again,
//   so the screen can show what that job was asked to do rather than its own defaults.
// Returns {start, kept}: kept is true when a job from before is being followed again.
export function keptJob({ key, scope, box, button, keep = false, onStart, onEvent, onResult, onResume, onError = showError }) {
  const forget = () => sessionStorage.removeItem(key);
  const follow = async (requestBody, begin) => {
    if (button) button.disabled = true;
    const progress = progressPanel();
    clear(box, progress.panel);
    if (onStart) onStart(requestBody);
    const watch = {
      add(event) { progress.add(event); if (onEvent) onEvent(event, requestBody); },
      stop: (err) => progress.stop(err),
      started: (id) => progress.started(id),
    };
    let result;
    let failure = null;
    try {
      result = await begin(watch);
    } catch (err) {
      failure = err;
    } finally {
      if (button) button.disabled = false;
    }
    if (!box.isConnected) return; // the screen was left or drawn again: the next one shows it
    if (!keep) forget();
    if (failure) onError(failure, requestBody);
    else if (result) await guard(() => onResult(result, requestBody)); // its own errors: the banner
  };
  const start = (path, body) => {
    clearError();
    forget(); // a refused request leaves no job to come back to
    return follow(body, (watch) => runJob(path, body, {
      ...watch,
      started(id) {
        const at = Date.now();
        sessionStorage.setItem(key, JSON.stringify({ id, at }));
        if (scope) sessionStorage.setItem(`${scope}:latest`, String(at));
        watch.started(id);
      },
    }));
  };
  const resume = async (kept) => {
    let job;
    try {
      job = await api(`/api/jobs/${encodeURIComponent(kept.id)}/`);
    } catch (err) {
      if (err.status === 404 || err.status === 400) forget();
      else showError(err);
      return;
    }
    const finished = FINISHED.has(job.status);
    if (finished && scope && kept.at < Number(sessionStorage.getItem(`${scope}:latest`) || 0)) {
      forget(); // overtaken by a later action of the same screen
      return;
    }
    if (onResume) await guard(() => onResume(job));
    await follow(job.input || {}, (watch) => resumeJob(job.id, watch, { running: !finished }));
  };
  const kept = readKept(key);
  if (kept) resume(kept);
  return { start, kept: Boolean(kept) };
}
