import { test, eq, ok, deepEq, includes } from './harness.js';
import {
  STATES, TRANSITIONS, canTransition, statusText, defaultHint, placeholderText, controlsFor, sharedInterestText,
  statsText, escapeAction, ESC_WINDOW_MS, validateProfile, describeApiError, describeServerError, underageMessage,
  RESUME_GRACE_MS, RESUME_MARGIN_MS, graceWindow, resumeDeadline, shouldResume, resumedState, needsIceRestart,
  secondsLeft, reconnectBanner, peerAwayNotice, peerGoneText, SLOW_ATTEMPT_MS,
} from '../js/state.js';
import { ApiError } from '../js/api.js';

test('state: every state has a status text and a transition list naming only known states', () => {
  for (const s of STATES) {
    ok(s === 'landing' || statusText(s), `status text for ${s}`);
    ok(Array.isArray(TRANSITIONS[s]), `transitions for ${s}`);
    for (const t of TRANSITIONS[s]) ok(STATES.includes(t), `${s} → ${t} names a known state`);
  }
});

test('state: the call flow moves are legal, odd ones are not', () => {
  for (const [a, b] of [['landing', 'media'], ['landing', 'searching'], ['media', 'searching'], ['searching', 'connecting'],
    ['connecting', 'connected'], ['connected', 'peer-left'], ['peer-left', 'searching'], ['connected', 'searching'],
    ['connecting', 'failed'], ['failed', 'searching'], ['searching', 'reconnecting'], ['reconnecting', 'searching'],
    ['connected', 'stopped'], ['stopped', 'landing'], ['connected', 'landing']]) {
    ok(canTransition(a, b), `${a} → ${b} is legal`);
  }
  for (const [a, b] of [['landing', 'connected'], ['stopped', 'searching'], ['media', 'connected'], ['searching', 'connected']]) {
    ok(!canTransition(a, b), `${a} → ${b} is not legal`);
  }
  ok(canTransition('searching', 'searching'), 'staying is legal');
});

test('state: controls per state', () => {
  deepEq(controlsFor('landing'), { next: false, stop: false, report: false, restart: false, chat: false });
  deepEq(controlsFor('connected', { inSession: true, canReport: true }), { next: true, stop: true, report: true, restart: false, chat: true });
  deepEq(controlsFor('searching', { canReport: true }), { next: true, stop: true, report: true, restart: false, chat: false });
  deepEq(controlsFor('stopped', { canReport: true }), { next: false, stop: true, report: false, restart: true, chat: false });
  eq(controlsFor('media').next, false, 'no Next before we are online');
});

test('state: hints name the stranger and the shared interest', () => {
  eq(defaultHint('connected', { peerName: 'Bob' }), "You're talking with Bob.");
  eq(defaultHint('connected', { peerName: 'Bob', shared: 'You both like chess.' }), "You're talking with Bob. You both like chess.");
  eq(defaultHint('connecting', { peerName: 'Bob' }), 'Meeting Bob…');
  eq(defaultHint('searching', { peerName: 'Bob' }), '');
  includes(defaultHint('failed'), 'Next');
});

test('state: placeholder over the stranger\'s video', () => {
  eq(placeholderText('connected', { peerName: 'Bob', hasRemoteVideo: true }), '');
  eq(placeholderText('connected', { peerName: 'Bob', hasRemoteVideo: true, peerCameraOff: true }), 'Bob turned the camera off.');
  eq(placeholderText('connected', { peerName: 'Bob', hasRemoteVideo: false }), 'Bob has no camera on: text only.');
  eq(placeholderText('connecting', {}), 'Connecting to the stranger…');
  eq(placeholderText('landing'), '');
});

test('sharedInterestText: none, one, several (at most three)', () => {
  eq(sharedInterestText([]), '');
  eq(sharedInterestText(undefined), '');
  eq(sharedInterestText(['chess']), 'You both like chess.');
  eq(sharedInterestText(['chess', 'music']), 'You both like chess and music.');
  eq(sharedInterestText(['a', 'b', 'c', 'd']), 'You both like a, b, and c.');
  eq(sharedInterestText([' ', 7, 'go']), 'You both like go.', 'junk entries skipped');
});

test('statsText: numbers only', () => {
  eq(statsText({ online: 12, waiting: 3 }), '12 online · 3 waiting');
  eq(statsText({ online: 5 }), '5 online');
  eq(statsText({}), '');
  eq(statsText(null), '');
  eq(statsText({ online: '5', waiting: -1 }), '', 'strings and negatives ignored');
});

test('escapeAction: a second Esc within 2 s is Next, later it arms again', () => {
  eq(ESC_WINDOW_MS, 2000);
  eq(escapeAction(null, 1000), 'arm');
  eq(escapeAction(1000, 1500), 'next');
  eq(escapeAction(1000, 3000), 'next', 'exactly 2 s still counts');
  eq(escapeAction(1000, 3001), 'arm');
  eq(escapeAction(5000, 1000), 'arm', 'a clock that went back does not fire Next');
});

test('validateProfile: cleans and accepts a good profile', () => {
  const v = validateProfile({ name: '  Alex \u0007 B ', age: ' 30 ', interests: 'Music, chess;music\n hiking ' });
  eq(v.ok, true);
  deepEq(v.profile, { name: 'Alex B', age: 30, interests: ['music', 'chess', 'hiking'], languages: [] });
  deepEq(validateProfile({ name: 'A', age: 30, interests: '', languages: ['es', 'EN', 'es'] }).profile.languages, ['es', 'en'],
    'the languages chosen, as primary tags');
});

test('validateProfile: names the field at fault', () => {
  eq(validateProfile({ name: '', age: 30 }).field, 'name');
  eq(validateProfile({ name: 'x'.repeat(33), age: 30 }).field, 'name');
  eq(validateProfile({ name: 'A', age: '' }).field, 'age');
  eq(validateProfile({ name: 'A', age: '2x' }).field, 'age');
  const kid = validateProfile({ name: 'A', age: '17' });
  eq(kid.underage, true);
  eq(kid.message, underageMessage());
  eq(validateProfile({ name: 'A', age: '121' }).field, 'age');
  eq(validateProfile({ name: 'A', age: '18' }).ok, true, '18 is allowed');
  eq(validateProfile({ name: 'A', age: 30, interests: Array.from({ length: 11 }, (_, i) => `t${i}`).join(',') }).field, 'interests');
  eq(validateProfile({ name: 'A', age: 30, interests: 'x'.repeat(33) }).field, 'interests');
});

test('describeApiError: each code gets a person-friendly text and a retry decision', () => {
  eq(describeApiError(new ApiError('x', { status: 403, code: 'underage' })).retry, false);
  eq(describeApiError(new ApiError('x', { status: 403, code: 'blocked' })).retry, false);
  includes(describeApiError(new ApiError('x', { status: 429, code: 'rate-limited', retryAfter: 7 })).message, '7 seconds');
  eq(describeApiError(new ApiError('x', { code: 'timeout' })).retry, true);
  includes(describeApiError(new ApiError('x', { code: 'network' })).message, 'internet');
  includes(describeApiError(new ApiError('name too long', { status: 400, code: 'bad-request' })).message, 'name too long');
  includes(describeApiError(new ApiError('x', { status: 503, code: 'whatever' })).message, 'trouble');
  eq(describeApiError(new Error('boom')).retry, true);
});

test('describeServerError: known codes, server detail where useful, code in brackets', () => {
  includes(describeServerError({ code: 'rate-limited' }), 'slow down');
  includes(describeServerError({ code: 'rate-limited' }), '(rate-limited)');
  includes(describeServerError({ code: 'invalid-field', message: 'interests[0] too long' }), 'interests[0] too long');
  const mod = describeServerError({ code: 'moderated', message: 'Links are not allowed in chat' });
  includes(mod, 'chat rules');
  includes(mod, 'Links are not allowed');
  ok(!describeServerError({ code: 'moderated', message: 'Message not sent: it breaks the chat rules' }).includes('Message not sent'),
    'the default server text is not repeated');
  includes(describeServerError({ code: 'brand-new', message: 'details' }), 'details');
  includes(describeServerError({}), '(error)');
});

test('resume: a dropped socket in a call goes to reconnecting and back to the call\'s own state', () => {
  for (const s of ['connecting', 'connected', 'failed']) {
    ok(canTransition(s, 'reconnecting'), `${s} → reconnecting`);
    ok(canTransition('reconnecting', s), `reconnecting → ${s} (resumed)`);
  }
  ok(canTransition('reconnecting', 'searching'), 'session-gone → search again');
  ok(canTransition('reconnecting', 'peer-left'), 'the stranger left right after we resumed');
  ok(canTransition('reconnecting', 'landing'), 'Stop while reconnecting');
  eq(resumedState('connected'), 'connected');
  eq(resumedState('connecting'), 'connecting');
  eq(resumedState('failed'), 'failed');
  eq(resumedState(null), 'connecting', 'unknown: connecting until the call says more');
  ok(shouldResume({ sessionId: 's_1' }), 'in a call');
  ok(!shouldResume({ sessionId: null }), 'not in a call: re-queue instead');
  ok(!shouldResume({ sessionId: '' }));
  eq(controlsFor('reconnecting', { inSession: true }).next, false, 'no Next while the socket is away');
  eq(controlsFor('reconnecting', { inSession: true }).stop, true, 'Stop works');
  eq(controlsFor('reconnecting', { inSession: true }).chat, true, 'the chat box keeps its text');
});

test('resume: the give-up deadline is the grace window plus a margin', () => {
  eq(RESUME_GRACE_MS, 10000);
  ok(RESUME_MARGIN_MS >= 6000 && RESUME_MARGIN_MS <= 10000, 'covers the detection of a dead gateway (about 6 s)');
  eq(resumeDeadline(1000, undefined), 1000 + 10000 + RESUME_MARGIN_MS);
  eq(resumeDeadline(1000, 4000), 1000 + 4000 + RESUME_MARGIN_MS, 'the graceMs last heard');
  eq(graceWindow(2500), 2500);
  eq(graceWindow('7000'), 7000);
  eq(graceWindow(0), RESUME_GRACE_MS, 'nonsense falls back to the default');
  eq(graceWindow(-5), RESUME_GRACE_MS);
  eq(graceWindow(3600000), RESUME_GRACE_MS, 'an hour is not believed');
  eq(graceWindow('soon'), RESUME_GRACE_MS);
});

test('resume: only the caller restarts ICE, and only when it went down', () => {
  ok(needsIceRestart('caller', 'disconnected'));
  ok(needsIceRestart('caller', 'failed'));
  ok(!needsIceRestart('caller', 'connected'));
  ok(!needsIceRestart('caller', 'completed'));
  ok(!needsIceRestart('caller', 'checking'));
  ok(!needsIceRestart('caller', 'closed'));
  ok(!needsIceRestart('callee', 'failed'), 'the callee answers the caller\'s offer instead');
});

test('resume: the reconnect banner counts down live and offers Retry now', () => {
  const waiting = reconnectBanner({ resuming: true, backoff: true, retryInMs: 2400 });
  includes(waiting.text, 'Reconnecting');
  includes(waiting.text, 'call goes on');
  eq(waiting.count, 'trying again in 3 s');
  eq(waiting.retry, true);
  eq(reconnectBanner({ resuming: true, backoff: true, retryInMs: 2001 }).count, 'trying again in 3 s');
  eq(reconnectBanner({ resuming: true, backoff: true, retryInMs: 2000 }).count, 'trying again in 2 s');
  eq(reconnectBanner({ resuming: true, backoff: true, retryInMs: 1000 }).count, 'trying again in 1 s');
  const last = reconnectBanner({ resuming: true, backoff: true, retryInMs: 300 });
  eq(last.count, 'trying again in 1 s', 'the last second still counts');
  eq(last.retry, true, 'and Retry now stays');
  const short = reconnectBanner({ resuming: true, backoff: true, retryInMs: 900 });
  eq(short.count, 'trying again in 1 s', 'a backoff under a second still counts down');
  eq(short.retry, true);
  const due = reconnectBanner({ resuming: true, backoff: true, retryInMs: 0 });
  eq(due.count, 'trying now');
  const jitter = reconnectBanner({ resuming: true, backoff: false, retryInMs: 200 });
  eq(jitter.count, 'trying now', 'the first, jittered try has no countdown');
  eq(jitter.retry, false, 'and no Retry now (it is about to happen)');
  eq(reconnectBanner({ resuming: true, backoff: false, retryInMs: null, attemptMs: 100 }).retry, false, 'a quick try under way');
  eq(reconnectBanner({ resuming: true, backoff: false, retryInMs: null, attemptMs: SLOW_ATTEMPT_MS }).retry, true,
    'a quick try stuck connecting can be cut short');
  eq(reconnectBanner({ resuming: true, backoff: true, retryInMs: null }).retry, true, 'an attempt after a backoff');
  const open = reconnectBanner({ resuming: true, open: true, retryInMs: null });
  includes(open.text, 'resuming');
  eq(open.retry, false, 'nothing to retry on an open socket');
  eq(reconnectBanner({ resuming: false, backoff: true, retryInMs: 5000 }).text, 'Reconnecting…', 'outside a call');
  includes(reconnectBanner({ code: 1012, backoff: false, retryInMs: 200 }).text, 'restarting');
  eq(secondsLeft(-50), 0);
  eq(secondsLeft(1), 1);
  eq(secondsLeft(9001), 10);
});

test('resume: the stranger\'s dropped connection is named, with its grace countdown', () => {
  deepEq(peerAwayNotice('Bob', 7200), { text: "Bob's connection dropped, waiting…", count: '8 s' });
  deepEq(peerAwayNotice('Bob', 0), { text: "Bob's connection dropped, waiting…", count: '' });
  eq(peerAwayNotice('', 1000).text, "The stranger's connection dropped, waiting…");
  includes(peerGoneText('timeout'), 'connection was lost');
  includes(peerGoneText('disconnected'), 'lost their connection');
  includes(peerGoneText('left'), 'left');
  includes(peerGoneText(undefined), 'left');
  includes(describeServerError({ code: 'peer-away', message: 'x' }), 'still in the box');
});

test('resume: nothing covers the stranger\'s video while we reconnect', () => {
  eq(placeholderText('reconnecting', { resuming: true, hasRemoteVideo: true, peerName: 'Bob' }), '');
  eq(placeholderText('reconnecting', { resuming: true, hasRemoteVideo: true, peerName: 'Bob', peerCameraOff: true }),
    'Bob turned the camera off.');
  eq(placeholderText('reconnecting', { resuming: false }), 'Connection lost. Reconnecting…', 'outside a call');
});
