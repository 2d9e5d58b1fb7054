/** server/apps/conference: rooms reachable by SIP (conf-NAME) and by the admin API. */
export { ConferenceRooms, type ConferenceRoomsOptions, type ConferenceRoom } from './conference-rooms.js';
export { conferenceApplication } from './conference-app.js';
export { DtmfMenu, PinCollector, VOLUME_STEP_DB, type MenuAction } from './dtmf-menu.js';
export { roomSettings, ROOM_NAME, type RoomSettings } from './room-settings.js';
