/**
 * The headless page's window.fleet: the same shape as Electron's preload,
 * over same-origin fetch. Served as /bridge.js (CSP allows only 'self'
 * scripts). The token comes from the URL fragment once, or is bought with a
 * launch link's one-time code (every call waits for that exchange), then
 * lives in sessionStorage; neither stays in the address bar or history. The
 * window id is per tab, so reload keeps the session.
 */
export const BRIDGE_SCRIPT = `(() => {
  const store = window.sessionStorage;
  const token = /(?:^|[#&])token=([A-Za-z0-9_-]+)/.exec(location.hash);
  const code = /(?:^|[#&])code=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (token || code) history.replaceState(null, '', location.pathname + location.search);
  if (token) store.setItem('fleet.token', token[1]);
  // a launch link that bought no token: every call answers why instead of trying without one,
  // as UNAVAILABLE (there is no session to go back to sign-in for), which the start screen shows
  let refusal = null;
  const claim = async (value) => {
    try {
      const response = await fetch('/session/claim', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: value }),
      });
      const answer = await response.json();
      if (answer.ok) store.setItem('fleet.token', answer.data.token);
      else refusal = { ok: false, error: { code: 'UNAVAILABLE', message: answer.error.message } };
    } catch (_) {
      refusal = { ok: false, error: { code: 'UNAVAILABLE', message: 'The console server did not answer; is npm start still running?' } };
    }
  };
  const claimed = code ? claim(code[1]) : Promise.resolve();
  let windowId = store.getItem('fleet.window');
  if (!windowId) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    windowId = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    store.setItem('fleet.window', windowId);
  }
  const headers = () => ({
    'Authorization': 'Bearer ' + (store.getItem('fleet.token') || ''),
    'X-Fleet-Window': windowId,
    'Content-Type': 'application/json',
  });
  const listeners = new Set();
  const deliver = (event) => { for (const listener of listeners) listener(event); };
  let streaming = false;
  let lost = false;
  // one stream while anyone listens; a lost one is opened again, and says so once it is back
  const stream = async () => {
    if (streaming || listeners.size === 0) return;
    streaming = true;
    await claimed;
    if (refusal) return;
    try {
      const response = await fetch('/events', { headers: headers() });
      if (response.status !== 200) throw new Error('refused');
      if (lost) deliver({ type: 'reconnected' });
      lost = false;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\\n\\n')) >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = chunk.split('\\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\\n');
          if (data) deliver(JSON.parse(data));
        }
      }
    } catch (_) {
      /* the server stopped or the connection dropped: try again below */
    }
    streaming = false;
    lost = true;
    setTimeout(() => void stream(), 1000);
  };
  window.fleet = Object.freeze({
    async invoke(channel, input) {
      await claimed;
      if (refusal) return refusal;
      const response = await fetch('/rpc/' + encodeURIComponent(channel), {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(input === undefined ? {} : input),
      });
      if (response.status !== 200) {
        return { ok: false, error: { code: response.status === 401 ? 'UNAUTHENTICATED' : 'UNAVAILABLE', message: 'The console server refused the call (' + response.status + '); reopen the URL it printed' } };
      }
      return response.json();
    },
    onEvent(listener) {
      listeners.add(listener);
      void stream();
      return () => listeners.delete(listener);
    },
  });
})();
`;
