/** Notifications (issue 14): webhook delivery from the store's outbox. An edge room: it does network I/O. */
export * from './webhook.js';
