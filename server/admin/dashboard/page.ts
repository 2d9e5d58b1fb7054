/** The dashboard page (no build step): markup and styles; behaviour is in script.ts, served as /dashboard/app.js. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>voxbridge dashboard</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 16px; display: flex; gap: 12px; align-items: center; }
  header h1 { font-size: 16px; margin: 0 12px 0 0; }
  header input { width: 260px; }
  main { padding: 16px; display: grid; gap: 16px; }
  section { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; white-space: nowrap; }
  .talking { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: #ccc; }
  .talking.on { background: #1fb34a; box-shadow: 0 0 6px #1fb34a; }
  .level { display: inline-block; height: 8px; background: #4a7bd8; vertical-align: middle; }
  .status { font-size: 12px; opacity: .8; }
  .error { color: #c0392b; }
  button { margin-right: 4px; }
</style>
</head>
<body>
<header>
  <h1>voxbridge</h1>
  <label>Token <input id="token" type="password" autocomplete="off" placeholder="admin bearer token"></label>
  <button id="connect">Connect</button>
  <span id="status" class="status">not connected</span>
</header>
<main>
  <section><h2>Calls</h2>
    <table><thead><tr><th>From</th><th>To</th><th>App</th><th>Room</th><th>Duration</th><th>Quality</th><th>Voice</th><th></th></tr></thead>
    <tbody id="calls"></tbody></table></section>
  <section><h2>Rooms</h2><div id="rooms"></div></section>
  <section><h2>Events</h2><ol id="events" reversed></ol></section>
</main>
<script type="module" src="/dashboard/app.js"></script>
</body>
</html>
`;
