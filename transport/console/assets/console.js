// herald web console: the little the server-rendered pages need from script. No framework, no
// build step, no inline script (the CSP allows scripts from this origin only).
'use strict';
(function () {
  // The browser's time zone, for the server to show times in (a cookie, read on each page).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf('herald_tz=' + encodeURIComponent(zone)) === -1) {
      document.cookie = 'herald_tz=' + encodeURIComponent(zone) + '; path=/; SameSite=Strict; max-age=31536000';
      if (!document.querySelector('meta[name="csrf-token"]')) return;
      var shown = document.querySelector('.tz');
      if (shown && shown.textContent !== zone) location.reload();
    }
  } catch (e) { /* no Intl: times stay in UTC */ }

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  // Calls a tool through the console's session (same validation and roles as MCP and REST).
  function callTool(name, args) {
    return fetch('/console/tools/' + encodeURIComponent(name), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(args)
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error.message : 'HTTP ' + r.status);
        return body;
      });
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- compose: validate_post as you type, media uploads ----
  var compose = document.getElementById('compose');
  if (compose) {
    var out = document.getElementById('validation');
    var timer = null;
    var seq = 0;
    var validate = function () {
      var accounts = Array.prototype.map.call(
          compose.querySelectorAll('input[name="accounts"]:checked'), function (i) { return i.value; });
      var media = Array.prototype.map.call(
          compose.querySelectorAll('input[name="media"]'), function (i) { return i.value; });
      var text = compose.querySelector('#text').value;
      if (accounts.length === 0) { out.textContent = 'Choose at least one account.'; return; }
      var args = { accounts: accounts, text: text };
      if (media.length) args.media = media;
      var mine = ++seq;
      callTool('validate_post', args).then(function (r) {
        if (mine !== seq) return;
        out.textContent = '';
        if (r.ok) { out.appendChild(el('p', 'ok', 'Ready: every account accepts this post.')); return; }
        var list = el('ul');
        (r.accounts || []).forEach(function (a) {
          (a.violations || []).forEach(function (v) {
            list.appendChild(el('li', null, a.platform + ': ' + v.field + ': ' + v.message));
          });
        });
        (r.problems || []).forEach(function (p) {
          list.appendChild(el('li', null, typeof p === 'string' ? p : (p.message || JSON.stringify(p))));
        });
        if (!list.childNodes.length) list.appendChild(el('li', null, 'Not accepted.'));
        out.appendChild(list);
      }).catch(function (e) {
        if (mine !== seq) return;
        out.textContent = '';
        out.appendChild(el('p', 'reason', e.message));
      });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(validate, 300); };
    compose.addEventListener('input', later);
    compose.addEventListener('change', later);

    var file = document.getElementById('media-file');
    if (file) {
      file.addEventListener('change', function () {
        Array.prototype.forEach.call(file.files, function (f) {
          var item = el('li', null, 'Uploading ' + f.name + '…');
          document.getElementById('media-list').appendChild(item);
          var reader = new FileReader();
          reader.onload = function () {
            var data = String(reader.result).split(',')[1] || '';
            callTool('upload_media', { data_base64: data, file_name: f.name }).then(function (m) {
              item.textContent = f.name + ' ';
              var hidden = el('input');
              hidden.type = 'hidden'; hidden.name = 'media'; hidden.value = m.media_id;
              item.appendChild(hidden);
              item.appendChild(el('code', null, m.media_id));
              later();
            }).catch(function (e) { item.textContent = f.name + ': ' + e.message; item.className = 'reason'; });
          };
          reader.readAsDataURL(f);
        });
        file.value = '';
      });
    }
  }

  // ---- analytics: choosing a date switches the period to custom dates ----
  var analytics = document.getElementById('analytics-form');
  if (analytics) {
    var range = document.getElementById('a-range');
    ['a-from', 'a-to'].forEach(function (id) {
      var input = document.getElementById(id);
      if (input && range) input.addEventListener('change', function () { range.value = 'custom'; });
    });
  }

  // ---- calendar: drag a post to another day (same local time) ----
  var calendar = document.querySelector('ol.calendar');
  if (calendar) {
    var dragged = null;
    calendar.addEventListener('dragstart', function (e) {
      var entry = e.target.closest && e.target.closest('.entry[draggable="true"]');
      if (!entry) return;
      dragged = entry;
      e.dataTransfer.setData('text/plain', entry.getAttribute('data-post-id'));
      e.dataTransfer.effectAllowed = 'move';
    });
    calendar.addEventListener('dragover', function (e) {
      var day = e.target.closest && e.target.closest('.day');
      if (!day || !dragged) return;
      e.preventDefault();
      day.classList.add('drop');
    });
    calendar.addEventListener('dragleave', function (e) {
      var day = e.target.closest && e.target.closest('.day');
      if (day) day.classList.remove('drop');
    });
    calendar.addEventListener('drop', function (e) {
      var day = e.target.closest && e.target.closest('.day');
      if (!day || !dragged) return;
      e.preventDefault();
      day.classList.remove('drop');
      var entry = dragged;
      dragged = null;
      var when = day.getAttribute('data-date') + 'T' + entry.getAttribute('data-time') + ':00';
      var zone = (document.querySelector('.tz') || {}).textContent || 'UTC';
      callTool('reschedule_post', { post_id: entry.getAttribute('data-post-id'), publish_at: when,
                                    timezone: zone })
        .then(function () { location.reload(); })
        .catch(function (err) {
          var main = document.getElementById('main');
          var p = el('p', 'notice error', 'Could not move the post: ' + err.message);
          p.setAttribute('role', 'alert');
          main.insertBefore(p, main.firstChild);
        });
    });
  }
})();
