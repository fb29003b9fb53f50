// wrtc-client.js: the browser client of the wrtc signalling API (sign-in, resumable long-poll
// events, calls over RTCPeerConnection). No dependencies; works as a classic script (window.WrtcClient)
// or as an ES module import of the same global.
(function (global) {
  'use strict';

  /** An API error: HTTP status plus the gateway's {"error":{"code","message"}}. */
  class WrtcError extends Error {
    constructor(status, code, message) {
      super(message || code || ('HTTP ' + status));
      this.name = 'WrtcError';
      this.status = status;
      this.code = code || 'http_' + status;
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Resolves once ICE gathering is complete (or after timeoutMs with what was gathered). */
  function iceGatheringComplete(pc, timeoutMs) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        pc.removeEventListener('icegatheringstatechange', check);
        clearTimeout(timer);
        resolve();
      };
      const check = () => { if (pc.iceGatheringState === 'complete') done(); };
      const timer = setTimeout(done, timeoutMs);
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  class WrtcClient {
    /**
     * @param {object} options
     * @param {string} [options.baseUrl]   gateway URL ('' = same origin)
     * @param {string} options.token       the agent's GAuth token
     * @param {RTCIceServer[]} [options.iceServers]
     * @param {number} [options.pollTimeout] long-poll timeout in seconds (≤ 50)
     */
    constructor(options) {
      this.baseUrl = (options.baseUrl || '').replace(/\/+$/, '');
      this.token = options.token;
      this.iceServers = options.iceServers || [];
      this.pollTimeout = options.pollTimeout || 30;
      this.gatherTimeoutMs = options.gatherTimeoutMs || 5000;
      this.session = null;
      this.dn = null;
      this.tenant = null;
      this.lastSeq = 0;
      this.calls = new Map();
      this.handlers = new Map();
      this._polling = false;
      this._stopped = true;
    }

    // -- events ----------------------------------------------------------------

    /** Subscribes to an event type ('session.registered', 'call.incoming', ..., '*' for all, 'error'). */
    on(type, handler) {
      if (!this.handlers.has(type)) this.handlers.set(type, []);
      this.handlers.get(type).push(handler);
      return this;
    }

    _emit(type, event) {
      for (const key of [type, '*']) {
        for (const h of this.handlers.get(key) || []) {
          try { h(event); } catch (e) { console.error('wrtc handler failed', e); }
        }
      }
    }

    // -- HTTP --------------------------------------------------------------------

    async _request(method, path, body) {
      const headers = { Authorization: 'Bearer ' + this.token };
      const init = { method, headers, credentials: 'include' };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const res = await fetch(this.baseUrl + path, init);
      if (res.status === 204) return null;
      let data = null;
      try { data = await res.json(); } catch (e) { data = null; }
      if (!res.ok) {
        const err = data && data.error ? data.error : {};
        throw new WrtcError(res.status, err.code, err.message);
      }
      return data;
    }

    // -- session -----------------------------------------------------------------

    /** Signs the agent in with its DN; starts the event loop. Resolves with the gateway's answer. */
    async signIn(dn) {
      const answer = await this._request('POST', '/v1/sign-in', { dn });
      this.session = answer.session;
      this.dn = answer.dn;
      this.tenant = answer.tenant;
      this.lastSeq = 0;
      this._stopped = false;
      this._loop();
      return answer;
    }

    /** Signs out (the DN is un-registered) and stops the event loop. */
    async signOut() {
      if (!this.session) return;
      this._stopped = true;
      for (const id of Array.from(this.calls.keys())) this._closeCall(id);
      try {
        await this._request('DELETE', '/v1/sessions/' + this.session);
      } finally {
        this.session = null;
      }
    }

    async _loop() {
      if (this._polling) return;
      this._polling = true;
      let backoff = 500;
      while (!this._stopped && this.session) {
        const path = '/v1/sessions/' + this.session + '/events?after=' + this.lastSeq +
                     '&timeout=' + this.pollTimeout;
        try {
          const answer = await this._request('GET', path);
          backoff = 500;
          for (const event of answer.events || []) {
            // Resume semantics: a repeated event (seq we have seen) is skipped.
            if (event.seq <= this.lastSeq) continue;
            this.lastSeq = event.seq;
            this._dispatch(event);
          }
        } catch (err) {
          if (this._stopped) break;
          if (err instanceof WrtcError && (err.status === 404 || err.status === 401)) {
            // The session is gone on the gateway: nothing to resume.
            this._stopped = true;
            this._emit('session.ended', { type: 'session.ended', reason: 'lost', error: err });
            break;
          }
          this._emit('error', err);
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 10000);
        }
      }
      this._polling = false;
    }

    _dispatch(event) {
      if (event.type === 'call.incoming') {
        this.calls.set(event.call, { id: event.call, direction: 'in', offer: event.sdp, pc: null });
      } else if (event.type === 'call.answered') {
        const call = this.calls.get(event.call);
        if (call && call.pc && event.sdp) {
          call.pc.setRemoteDescription({ type: 'answer', sdp: event.sdp })
            .catch((e) => this._emit('error', e));
        }
      } else if (event.type === 'call.ended') {
        this._closeCall(event.call);
      } else if (event.type === 'session.ended') {
        this._stopped = true;
        for (const id of Array.from(this.calls.keys())) this._closeCall(id);
      }
      this._emit(event.type, event);
    }

    // -- calls -------------------------------------------------------------------

    _newPeerConnection(callId, stream) {
      const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle',
                                         rtcpMuxPolicy: 'require' });
      for (const track of stream ? stream.getAudioTracks() : []) pc.addTrack(track, stream);
      pc.wrtcCallId = callId;
      pc.addEventListener('track', (e) => this._emit('track', { call: pc.wrtcCallId,
                                                                track: e.track,
                                                                streams: e.streams }));
      return pc;
    }

    /** Places a call to `to` (a number); resolves with the call id once the gateway accepted it. */
    async call(to, options) {
      const stream = options && options.stream;
      const pc = this._newPeerConnection(null, stream);
      if (!stream) pc.addTransceiver('audio', { direction: 'sendrecv' });
      await pc.setLocalDescription(await pc.createOffer());
      await iceGatheringComplete(pc, this.gatherTimeoutMs);
      let answer;
      try {
        answer = await this._request('POST', '/v1/sessions/' + this.session + '/calls',
                                     { to, sdp: pc.localDescription.sdp });
      } catch (e) {
        pc.close();
        throw e;
      }
      pc.wrtcCallId = answer.call;
      this.calls.set(answer.call, { id: answer.call, direction: 'out', pc });
      return answer.call;
    }

    /** Answers an incoming call with the given local stream. */
    async answer(callId, options) {
      const call = this.calls.get(callId);
      if (!call || !call.offer) throw new WrtcError(0, 'unknown_call', 'no such incoming call');
      const stream = options && options.stream;
      const pc = this._newPeerConnection(callId, stream);
      call.pc = pc;
      await pc.setRemoteDescription({ type: 'offer', sdp: call.offer });
      await pc.setLocalDescription(await pc.createAnswer());
      await iceGatheringComplete(pc, this.gatherTimeoutMs);
      await this._request('POST', '/v1/sessions/' + this.session + '/calls/' + callId + '/answer',
                          { sdp: pc.localDescription.sdp });
    }

    /** Hangs up, rejects (before answer) or cancels (while ringing) a call. */
    async hangup(callId) {
      // Tell the gateway first: closing the peer connection first would look like a media
      // failure to it (DTLS close_notify) and race the hang-up.
      try {
        await this._request('DELETE', '/v1/sessions/' + this.session + '/calls/' + callId);
      } finally {
        this._closeCall(callId);
      }
    }

    _closeCall(callId) {
      const call = this.calls.get(callId);
      if (!call) return;
      if (call.pc) call.pc.close();
      this.calls.delete(callId);
    }

    /** The RTCPeerConnection of a call (for getStats), or null. */
    peerConnection(callId) {
      const call = this.calls.get(callId);
      return call ? call.pc : null;
    }
  }

  global.WrtcClient = WrtcClient;
  global.WrtcError = WrtcError;
})(typeof window !== 'undefined' ? window : globalThis);
