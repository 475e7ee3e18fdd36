/** @module The Responses API's conversation store: stored responses, their items and conversations along `previous_response_id`. */
export { ITEM_OVERHEAD_BYTES, RESPONSE_OVERHEAD_BYTES, ResponseStore } from './response-store.js';
export type { ConversationItem, InputItemsPage, ResponseStoreOptions, StoredResponse } from './response-store.js';
export type { PageRequest } from './item-page.js';
export { startPurgeSchedule } from './purge-schedule.js';
export type { PurgeSchedule, PurgeScheduleOptions } from './purge-schedule.js';
