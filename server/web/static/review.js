// Photo review: keyboard shortcuts for the grid and the large view.
//   a approve · r reject · n needs retake · ←/→ or j/k move · Enter open
(function () {
  'use strict';

  var decisions = { a: 'approved', r: 'rejected', n: 'needs_retake' };

  function typing(ev) {
    var t = ev.target;
    if (!t || !t.tagName) { return false; }
    var tag = t.tagName.toUpperCase();
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable;
  }

  function plain(ev) {
    return !ev.ctrlKey && !ev.metaKey && !ev.altKey;
  }

  var live = document.querySelector('[data-live]');
  function say(text) {
    if (live) { live.textContent = text; }
  }

  // The grid: one card is selected; decisions are sent without leaving
  // the page, and the selection moves on.
  var grid = document.querySelector('[data-review-grid]');
  if (grid) {
    var cards = Array.prototype.slice.call(grid.querySelectorAll('.photo-card'));
    var current = 0;

    var select = function (i, focus) {
      if (!cards.length) { return; }
      current = Math.max(0, Math.min(cards.length - 1, i));
      cards.forEach(function (c, j) {
        c.classList.toggle('selected', j === current);
        c.setAttribute('aria-current', j === current ? 'true' : 'false');
      });
      if (focus) {
        cards[current].querySelector('a.thumb').focus({ preventScroll: true });
        cards[current].scrollIntoView({ block: 'nearest' });
      }
    };

    var send = function (card, decision) {
      var form = card.querySelector('form[data-review-form]');
      var body = new URLSearchParams(new FormData(form));
      body.set('decision', decision);
      card.setAttribute('aria-busy', 'true');
      return fetch(form.action, {
        method: 'POST',
        body: body,
        credentials: 'same-origin',
        headers: { 'Accept': 'application/json' }
      }).then(function (resp) {
        return resp.json().then(function (data) { return { ok: resp.ok, data: data }; });
      }).then(function (res) {
        card.removeAttribute('aria-busy');
        if (!res.ok) {
          say(res.data && res.data.error ? res.data.error.message : String(res.status));
          return false;
        }
        var badge = card.querySelector('[data-status-label]');
        badge.textContent = res.data.label;
        badge.className = 'badge review-' + res.data.review_status;
        card.setAttribute('data-status', res.data.review_status);
        card.classList.add('done');
        say(res.data.message);
        return true;
      }).catch(function () {
        card.removeAttribute('aria-busy');
        say('!');
        return false;
      });
    };

    cards.forEach(function (card, i) {
      card.addEventListener('click', function () { select(i, false); });
      var form = card.querySelector('form[data-review-form]');
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var btn = ev.submitter;
        if (btn && btn.value) {
          select(i, false);
          send(card, btn.value);
        }
      });
    });

    document.addEventListener('keydown', function (ev) {
      if (typing(ev) || !plain(ev) || !cards.length) { return; }
      var key = ev.key;
      if (decisions[key]) {
        ev.preventDefault();
        var card = cards[current];
        send(card, decisions[key]).then(function (ok) {
          if (ok && current < cards.length - 1) { select(current + 1, true); }
        });
      } else if (key === 'ArrowRight' || key === 'ArrowDown' || key === 'j') {
        ev.preventDefault();
        select(current + 1, true);
      } else if (key === 'ArrowLeft' || key === 'ArrowUp' || key === 'k') {
        ev.preventDefault();
        select(current - 1, true);
      } else if (key === 'Enter' || key === 'o') {
        if (document.activeElement && document.activeElement.tagName === 'BUTTON') { return; }
        ev.preventDefault();
        window.location.assign(cards[current].getAttribute('data-href'));
      }
    });

    select(0, false);
  }

  // The large view: a decision submits the form (the server moves on to
  // the next photo); arrows follow the previous/next links.
  var large = document.querySelector('[data-review-photo]');
  if (large) {
    var form = document.getElementById('review-form');
    var follow = function (sel) {
      var a = document.querySelector(sel);
      if (a) { window.location.assign(a.href); }
    };
    document.addEventListener('keydown', function (ev) {
      if (typing(ev) || !plain(ev)) { return; }
      var key = ev.key;
      if (decisions[key]) {
        ev.preventDefault();
        var btn = form.querySelector('button[value="' + decisions[key] + '"]');
        if (form.requestSubmit) { form.requestSubmit(btn); } else { btn.click(); }
      } else if (key === 'ArrowRight' || key === 'j') {
        ev.preventDefault();
        follow('a[data-next]');
      } else if (key === 'ArrowLeft' || key === 'k') {
        ev.preventDefault();
        follow('a[data-prev]');
      } else if (key === 'Escape') {
        ev.preventDefault();
        follow('a[data-back]');
      }
    });
  }
})();
