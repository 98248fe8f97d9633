// controllers.js: builds the page's controllers around one store and hands each the others through `app`
// (they call each other only at run time, so the order here does not matter). app.js passes the real
// browser, socket, peer connection and DOM; the unit tests pass fakes (test/fakes.js).
import { createTimers } from './timers.js';
import { createCallEvents } from './call-events.js';
import { createScreen } from './screen.js';
import { createLanding } from './landing.js';
import { createPreviewControl } from './preview-control.js';
import { createMedia } from './media.js';
import { createWarm } from './warm.js';
import { createConnection } from './connection.js';
import { createQueue } from './queue.js';
import { createSession } from './session.js';
import { createResume } from './resume.js';
import { createReports } from './reports.js';
import { createMessages } from './messages.js';
import { createKeys } from './keys.js';
import { createQuality } from './quality-control.js';

/** The controllers, each on `app` under its name. */
const CONTROLLERS = {
  screen: createScreen,
  landing: createLanding,
  previewControl: createPreviewControl,
  media: createMedia,
  warm: createWarm,
  connection: createConnection,
  queue: createQueue,
  session: createSession,
  resume: createResume,
  reports: createReports,
  messages: createMessages,
  keys: createKeys,
  quality: createQuality,
};

/**
 * deps: store (store.js), clock (timers.js realClock or a fake), config (config.js CONFIG), log, view (the view
 * modules' functions), chat (chat.js Chat), tokens (api.js TokenManager), preview (preview.js Preview), timeline,
 * openSocket(options) → Signaling, pc ({prepare, attachLocal, preOffer, giveIceServers, iceServerList,
 * makeCall(options) → Call}), getLocalMedia, mediaAllowed() → Promise<boolean> (preview.js), describeMediaError,
 * describeServerError, fetchStats() → {online},
 * storage ({get, set}), env ({canOpenCamera, hidden}). Returns `app` with every controller on it.
 */
export function createApp(deps) {
  const app = { ...deps };
  app.timers = createTimers(app.clock, app.log);
  app.callEvents = createCallEvents(app.log);
  for (const [name, create] of Object.entries(CONTROLLERS)) app[name] = create(app);
  const { queue, session, resume } = app;
  app.frameHandlers = {
    queued: queue.onQueued,
    stats: queue.onStats,
    matched: session.onMatched,
    offer: (d) => session.route('offer', d),
    answer: (d) => session.route('answer', d),
    candidate: (d) => session.route('candidate', d),
    message: (d) => session.route('message', d),
    'peer-disconnected': session.onPeerDisconnected,
    'peer-reconnecting': resume.onPeerReconnecting,
    'peer-resumed': resume.onPeerResumed,
    resumed: resume.onResumed,
    'call-ended': queue.onCallEnded,
    reported: app.reports.onReported,
    'token-refreshed': () => app.log('token refreshed on the socket'),
    error: app.connection.onServerError,
  };
  // An error frame goes to the first of these that takes it (each returns true), in this order.
  app.errorHandlers = [queue.onJoinError, resume.onError, app.reports.onError, app.connection.onRefreshError,
    queue.onEndCallError, app.messages.onError, session.onSignalingError];
  return app;
}
