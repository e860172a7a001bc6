/** The app side of actors: method, timer, reminder and deactivation callbacks over the AppChannel. */
export { createAppTarget } from './app-target.js';
export type { ActorTarget, MethodCall, TimerPayload, ReminderPayload } from './app-target.js';
