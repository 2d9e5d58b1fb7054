/**
 * The dashboard's browser script, served as /dashboard/app.js. Plain ES2020,
 * no framework, no build: it uses only the public REST API and the event
 * WebSocket, with the token kept in sessionStorage. (Written without
 * template literals so it can live in this TypeScript string.)
 */
export const DASHBOARD_SCRIPT = String.raw`
const PRESETS = ['', 'female', 'male', 'child', 'elder', 'deep', 'helium', 'robot', 'whisper', 'anonymize'];
const $ = (id) => document.getElementById(id);
const tokenInput = $('token');
tokenInput.value = sessionStorage.getItem('voxbridge-token') || '';
let socket = null;
let refreshTimer = null;
const talking = new Map();

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (tokenInput.value) h.Authorization = 'Bearer ' + tokenInput.value;
  return h;
}

async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const data = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  if (!response.ok) throw new Error((data && data.error && data.error.message) || response.statusText);
  return data;
}

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children || []) node.append(child);
  return node;
}

function action(label, testid, run) {
  return el('button', { 'data-testid': testid, text: label, onclick: () => run().then(scheduleRefresh, showError) });
}

function showError(error) {
  $('status').textContent = String(error.message || error);
  $('status').className = 'status error';
}

function voiceSelect(testid, apply) {
  const select = el('select', { 'data-testid': testid }, PRESETS.map((p) => el('option', { value: p, text: p || '(none)' })));
  select.addEventListener('change', () => apply(select.value).then(scheduleRefresh, showError));
  return select;
}

function quality(stats) {
  if (!stats) return '';
  const mos = stats.mos === null ? '–' : stats.mos.toFixed(2);
  return 'MOS ' + mos + ' · loss ' + stats.rx.lost + ' · jitter ' + stats.rx.jitterMs.toFixed(1) + ' ms';
}

async function renderCalls() {
  const calls = await api('GET', '/api/calls');
  $('calls').replaceChildren(...calls.map((call) => {
    const id = encodeURIComponent(call.id);
    return el('tr', { 'data-testid': 'call', 'data-call-id': call.id }, [
      el('td', { text: call.from }), el('td', { text: call.to }), el('td', { text: call.app }),
      el('td', { text: call.roomId || '' }), el('td', { text: call.durationSeconds + ' s' }),
      el('td', { text: quality(call.stats) }),
      el('td', {}, [voiceSelect('call-voice', (preset) => preset ? api('PUT', '/api/calls/' + id + '/voice', { preset }) : api('DELETE', '/api/calls/' + id + '/voice'))]),
      el('td', {}, [action('Hang up', 'hangup', () => api('DELETE', '/api/calls/' + id))]),
    ]);
  }));
}

function participantRow(room, p) {
  const base = '/api/rooms/' + encodeURIComponent(room) + '/participants/' + encodeURIComponent(p.id);
  const isTalking = talking.has(p.id) ? talking.get(p.id).talking : p.talking;
  const level = talking.has(p.id) ? talking.get(p.id).levelDb : p.levelDb;
  const volume = el('input', { type: 'range', min: '-24', max: '24', step: '1', value: String(p.volumeInDb), 'data-testid': 'volume-in' });
  volume.addEventListener('change', () => api('PATCH', base, { volumeInDb: Number(volume.value) }).then(scheduleRefresh, showError));
  return el('tr', { 'data-testid': 'participant', 'data-participant-id': p.id, 'data-muted': String(p.muted) }, [
    el('td', {}, [el('span', { class: 'talking' + (isTalking ? ' on' : ''), 'data-testid': 'talking' })]),
    el('td', { text: p.from }),
    el('td', {}, [el('span', { class: 'level', style: 'width:' + Math.max(0, 127 + level) + 'px' })]),
    el('td', { text: (p.muted ? 'muted ' : '') + (p.deaf ? 'deaf' : '') }),
    el('td', {}, [
      action(p.muted ? 'Unmute' : 'Mute', p.muted ? 'unmute' : 'mute', () => api('POST', base + (p.muted ? '/unmute' : '/mute'))),
      action(p.deaf ? 'Undeaf' : 'Deaf', p.deaf ? 'undeaf' : 'deaf', () => api('POST', base + (p.deaf ? '/undeaf' : '/deaf'))),
      action('Kick', 'kick', () => api('DELETE', base)),
    ]),
    el('td', {}, ['in ', volume]),
    el('td', {}, [voiceSelect('participant-voice', (preset) => preset ? api('PUT', base + '/voice', { preset }) : api('DELETE', base + '/voice'))]),
  ]);
}

async function renderRooms() {
  let rooms;
  try {
    rooms = await api('GET', '/api/rooms');
  } catch (error) {
    $('rooms').replaceChildren(el('p', { class: 'status', text: 'Rooms: ' + error.message }));
    return;
  }
  const blocks = await Promise.all(rooms.map(async (room) => {
    const detail = await api('GET', '/api/rooms/' + encodeURIComponent(room.name));
    const name = encodeURIComponent(room.name);
    return el('div', { 'data-testid': 'room', 'data-room': room.name }, [
      el('h3', { text: room.name + ' (' + room.participants + ')' + (room.locked ? ' 🔒' : '') + (room.recording ? ' ⏺' : '') }),
      action(room.locked ? 'Unlock' : 'Lock', 'lock', () => api('POST', '/api/rooms/' + name + (room.locked ? '/unlock' : '/lock'))),
      action('Close', 'close-room', () => api('DELETE', '/api/rooms/' + name)),
      el('table', {}, [el('tbody', {}, detail.members.map((p) => participantRow(room.name, p)))]),
    ]);
  }));
  $('rooms').replaceChildren(...blocks);
}

async function refresh() {
  refreshTimer = null;
  try {
    await Promise.all([renderCalls(), renderRooms()]);
  } catch (error) {
    showError(error);
  }
}

function scheduleRefresh() {
  if (refreshTimer === null) refreshTimer = setTimeout(refresh, 100);
}

function logEvent(event) {
  const list = $('events');
  list.prepend(el('li', { text: new Date(event.time).toLocaleTimeString() + ' ' + event.type + (event.legId ? ' ' + event.legId.slice(0, 8) : '') }));
  while (list.children.length > 50) list.lastChild.remove();
}

function connect() {
  sessionStorage.setItem('voxbridge-token', tokenInput.value);
  if (socket) socket.close();
  const url = new URL('/api/events', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (tokenInput.value) url.searchParams.set('token', tokenInput.value);
  socket = new WebSocket(url);
  socket.onopen = () => { $('status').textContent = 'live'; $('status').className = 'status'; };
  socket.onclose = () => { $('status').textContent = 'disconnected'; };
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === 'hello') return;
    if (event.type === 'room.talking') {
      talking.set(event.legId, { talking: event.talking, levelDb: event.levelDb });
      const dot = document.querySelector('[data-participant-id="' + event.legId + '"] [data-testid=talking]');
      if (dot) dot.className = 'talking' + (event.talking ? ' on' : '');
      return;
    }
    logEvent(event);
    scheduleRefresh();
  };
  refresh();
}

$('connect').addEventListener('click', connect);
connect();
setInterval(scheduleRefresh, 5000);
`;
