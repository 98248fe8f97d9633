import { test, eq, ok, deepEq, includes } from './harness.js';
import {
  STATES, TRANSITIONS, canTransition, STATUS_TEXT, defaultHint, placeholderText, controlsFor, sharedInterestText,
  statsText, escapeAction, ESC_WINDOW_MS, validateProfile, describeApiError, describeServerError, UNDERAGE_MESSAGE,
} from '../js/state.js';
import { ApiError } from '../js/api.js';

test('state: every state has a status text and a transition list naming only known states', () => {
  for (const s of STATES) {
    ok(s in STATUS_TEXT, `status text for ${s}`);
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
  eq(sharedInterestText(['a', 'b', 'c', 'd']), 'You both like a, b and c.');
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
  deepEq(v.profile, { name: 'Alex B', age: 30, interests: ['music', 'chess', 'hiking'] });
});

test('validateProfile: names the field at fault', () => {
  eq(validateProfile({ name: '', age: 30 }).field, 'name');
  eq(validateProfile({ name: 'x'.repeat(33), age: 30 }).field, 'name');
  eq(validateProfile({ name: 'A', age: '' }).field, 'age');
  eq(validateProfile({ name: 'A', age: '2x' }).field, 'age');
  const kid = validateProfile({ name: 'A', age: '17' });
  eq(kid.underage, true);
  eq(kid.message, UNDERAGE_MESSAGE);
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
