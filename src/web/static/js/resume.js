// Streams that come back as soon as they can. A browser's EventSource gives up on a
// stream whose reconnect fails, and the SSE extension then retries with a backoff
// that grows to 64 s: a laptop waking from sleep or a phone back online would wait
// up to a minute for messages that are already there. So every stream the extension
// opens (and the page's own /events, unread.js) is a P.ResumingSource: it looks like
// an EventSource that never closes by itself; underneath, it retries a failed
// stream with its own backoff (0.5 s doubling to 64 s), and at once when the page
// becomes visible or the browser comes online while the stream is not open.
//
// A retry asks for the element's current sse-connect URL, where live.js keeps
// `since` at the last seq applied, so the stream resumes right after it.
(function () {
  'use strict';
  var P = window.parley;
  var MAX_DELAY_MS = 64000;
  var sources = new Set();

  class ResumingSource extends EventTarget {
    constructor(url) {
      super();
      this.url = url;
      this.onopen = null;
      this.onerror = null;
      this.onmessage = null;
      this.types = new Set();
      this.inner = null;
      this.timer = 0;
      this.delay = 0;
      this.closed = false;
      sources.add(this);
      this.connect();
    }

    // CONNECTING (0) while a retry is pending: the extension must not start its own.
    get readyState() {
      if (this.closed) return EventSource.CLOSED;
      return this.inner && this.inner.readyState === EventSource.OPEN ? EventSource.OPEN : EventSource.CONNECTING;
    }

    addEventListener(type, fn, opts) {
      super.addEventListener(type, fn, opts);
      if (type === 'open' || type === 'error' || this.types.has(type)) return;
      this.types.add(type);
      if (this.inner) this.forward(this.inner, type);
    }

    close() {
      this.closed = true;
      sources.delete(this);
      clearTimeout(this.timer);
      if (this.inner) this.inner.close();
    }

    // The URL to (re)connect to: the sse-connect of the element this stream serves,
    // which may have moved on since the first connect.
    currentUrl() {
      var self = this;
      var el = Array.from(document.querySelectorAll('[sse-connect]')).find(function (e) {
        var d = e['htmx-internal-data'];
        return d && d.sseEventSource === self;
      });
      return el ? el.getAttribute('sse-connect') : this.url;
    }

    connect() {
      var self = this;
      clearTimeout(this.timer);
      this.timer = 0;
      if (this.inner) this.inner.close();
      var es = new EventSource(this.currentUrl(), { withCredentials: true });
      this.inner = es;
      this.types.forEach(function (t) { self.forward(es, t); });
      es.onopen = function () {
        if (es !== self.inner) return;
        self.delay = 0;
        self.fire(new Event('open'), self.onopen);
      };
      es.onerror = function () {
        if (es !== self.inner) return;
        // CLOSED: the browser gave up (a refused reconnect, an error status).
        if (es.readyState === EventSource.CLOSED) self.retryLater();
        self.fire(new Event('error'), self.onerror);
      };
    }

    retryLater() {
      var self = this;
      this.delay = this.delay ? Math.min(this.delay * 2, MAX_DELAY_MS) : 500;
      clearTimeout(this.timer);
      this.timer = setTimeout(function () { self.connect(); }, this.delay);
    }

    // Now, unless the stream is open (or this one was closed for good).
    resume() {
      if (this.closed || this.readyState === EventSource.OPEN) return;
      this.delay = 0;
      this.connect();
    }

    forward(es, type) {
      var self = this;
      es.addEventListener(type, function (e) {
        if (es !== self.inner) return;
        var copy = new MessageEvent(type, { data: e.data, lastEventId: e.lastEventId, origin: e.origin });
        self.fire(copy, type === 'message' ? self.onmessage : null);
      });
    }

    fire(ev, handler) {
      if (typeof handler === 'function') handler.call(this, ev);
      this.dispatchEvent(ev);
    }
  }

  function resumeAll() {
    sources.forEach(function (s) { s.resume(); });
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) resumeAll();
  });
  window.addEventListener('online', resumeAll);

  P.ResumingSource = ResumingSource;
  if (window.htmx) {
    htmx.createEventSource = function (url) { return new ResumingSource(url); };
  }
})();
