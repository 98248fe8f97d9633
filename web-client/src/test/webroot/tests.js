// tests.js: entry point of the unit-test page; each *.test.js registers its tests on import.
import { run } from './harness.js';
import { setLocale } from '../js/i18n.js';
import './signaling.test.js';
import './state.test.js';
import './i18n.test.js';
import './chat.test.js';
import './api.test.js';
import './call.test.js';
import './control-channel.test.js';
import './connection-health.test.js';
import './quality.test.js';
import './quality-control.test.js';
import './preview.test.js';
import './store.test.js';
import './landing.test.js';
import './preview-control.test.js';
import './media.test.js';
import './session.test.js';
import './queue.test.js';
import './connection.test.js';
import './resume.test.js';
import './reports.test.js';
import './messages.test.js';
import './keys.test.js';
import './shield.test.js';
import './shield-control.test.js';

// the page's texts come from the catalogs: the tests read the English ones
await setLocale('en');
run();
