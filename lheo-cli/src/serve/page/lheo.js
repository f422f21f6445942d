// lheo serve: the page's script. Sends the chosen file to the API, shows the progress, draws
// the report and offers the downloads. Every text that comes from the file or the report is
// put into the page as text (textContent), never as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const SEVERITY = {
    error: ['erreur', 'erreurs'],
    warning: ['avertissement', 'avertissements'],
    info: ['information', 'informations'],
  };
  const WORKBOOK = /\.(xlsx|xlsm|xls|ods)$/i;

  /** What the last run was about: the file, its parameters and its JSON report. */
  let last = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function plural(n, words) {
    return n + ' ' + (n > 1 ? words[1] : words[0]);
  }

  function size(bytes) {
    if (bytes < 1000) return bytes + ' octets';
    const units = ['ko', 'Mo', 'Go', 'To'];
    let value = bytes / 1000;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    return value.toLocaleString('fr-FR', { maximumFractionDigits: 1 }) + ' ' + units[unit];
  }

  function showMessage(text) {
    const box = $('message');
    box.textContent = text;
    box.hidden = !text;
  }

  function chosenFile() {
    const input = $('fichier');
    return input.files && input.files.length ? input.files[0] : null;
  }

  function describeChoice() {
    const file = chosenFile();
    $('fichier-choisi').textContent = file
      ? 'Fichier choisi : ' + file.name + ' (' + size(file.size) + ')'
      : 'Aucun fichier choisi.';
  }

  function params() {
    const query = new URLSearchParams();
    query.set('profile', $('profil').value);
    if ($('date').value) query.set('today', $('date').value);
    return query;
  }

  /** Sends `file` to `path`; resolves with the XHR once answered. */
  function send(path, file, query, responseType, onUpload) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const q = new URLSearchParams(query);
      q.set('name', file.name);
      xhr.open('POST', path + '?' + q.toString());
      xhr.responseType = responseType;
      if (onUpload) {
        xhr.upload.onprogress = (e) => onUpload(e.lengthComputable ? e.loaded / e.total : null);
        xhr.upload.onload = () => onUpload(1);
      }
      xhr.onload = () => resolve(xhr);
      xhr.onerror = () => reject(new Error(
        "la connexion au serveur a été interrompue (fichier trop gros, serveur occupé ou arrêté) : réessayez"));
      xhr.ontimeout = xhr.onerror;
      const form = new FormData();
      form.append('fichier', file, file.name);
      xhr.send(form);
    });
  }

  /** The API's French message from an error answer. */
  async function errorText(xhr) {
    try {
      let body = xhr.response;
      if (body instanceof Blob) body = await body.text();
      if (typeof body === 'string') body = JSON.parse(body);
      if (body && body.message) return body.message;
    } catch (e) { /* not JSON */ }
    return 'le serveur a répondu ' + xhr.status + ' ' + xhr.statusText;
  }

  function progress(text, fraction) {
    $('progression').hidden = false;
    $('progression-texte').textContent = text;
    const bar = $('barre');
    if (fraction === null || fraction === undefined) bar.removeAttribute('value');
    else bar.value = Math.round(fraction * 100);
  }

  async function run(event) {
    event.preventDefault();
    const file = chosenFile();
    if (!file) {
      showMessage('Choisissez d’abord un fichier (flux XML ou classeur).');
      $('fichier').focus();
      return;
    }
    const max = Number($('taille-max').dataset.octets);
    if (max && file.size > max) {
      showMessage('Ce fichier (' + size(file.size) + ') dépasse la taille maximale acceptée (' + size(max) + ').');
      return;
    }
    showMessage('');
    $('resultat').hidden = true;
    $('verifier').disabled = true;
    const query = params();
    progress('Envoi du fichier… 0 %', 0);
    try {
      const xhr = await send('api/validate', file, query, 'text', (f) => {
        if (f === null || f >= 1) progress('Vérification en cours…', null);
        else progress('Envoi du fichier… ' + Math.round(f * 100) + ' %', f);
      });
      if (xhr.status !== 200) {
        showMessage('Le fichier n’a pas pu être vérifié : ' + await errorText(xhr));
        return;
      }
      const report = JSON.parse(xhr.responseText);
      last = { file, query, report, json: xhr.responseText };
      show(report);
    } catch (e) {
      showMessage('Le fichier n’a pas pu être vérifié : ' + e.message);
    } finally {
      $('progression').hidden = true;
      $('verifier').disabled = false;
    }
  }

  function show(report) {
    const file = report.files[0];
    const counts = file.counts;
    const verdict = $('verdict');
    verdict.className = 'verdict ' + (file.valid ? 'valide' : 'invalide');
    verdict.textContent = file.valid
      ? 'Flux valide : aucune erreur'
      : 'Flux invalide : ' + plural(counts.error, SEVERITY.error);
    $('resume').textContent = [
      plural(counts.error, SEVERITY.error),
      plural(counts.warning, SEVERITY.warning),
      plural(counts.info, SEVERITY.info),
    ].join(', ') + ' — profil « ' + file.profile + ' »' +
      (file.version ? ', LHEO ' + file.version : '') + '.';
    const flux = $('telecharger-flux');
    flux.disabled = !file.valid;
    flux.title = file.valid ? '' : 'Disponible quand le flux n’a plus d’erreur';
    const workbook = $('telecharger-classeur');
    workbook.disabled = WORKBOOK.test(last.file.name);
    workbook.title = workbook.disabled ? 'Le fichier envoyé est déjà un classeur' : '';
    $('telechargement-etat').textContent = '';
    const target = $('rapport');
    target.replaceChildren();
    renderReport(report, target);
    $('resultat').hidden = false;
    $('resultat').focus();
  }

  // ---- The report: by offer, by rule, with filters. -----------------------------------------

  /** The offer (record) a finding belongs to: its key and the words that name it. */
  function recordOf(d) {
    const r = d.record;
    if (r) {
      const parts = [];
      parts.push(r.numero ? 'Offre n° ' + r.numero : r.element);
      if (r.title) parts.push(r.title);
      const where = r.line ? 'ligne ' + r.line : (r.sheet ? r.sheet + '!' + r.cell : r.path);
      return { key: r.path, name: parts.join(' — '), where };
    }
    const m = /^(\/lheo\/offres\/(formation|resume-offre)\[(\d+)\])/.exec(d.path || '');
    if (m) return { key: m[1], name: 'Formation n° ' + m[3] + ' du fichier', where: m[1] };
    return { key: '', name: 'Document', where: '' };
  }

  function place(d) {
    if (d.line) return 'ligne ' + d.line + ', colonne ' + d.column;
    if (d.sheet) return 'feuille ' + d.sheet + ', cellule ' + d.cell;
    return '';
  }

  /** Draws `report` (the JSON report) into `target`. */
  function renderReport(report, target) {
    const file = report.files[0];
    const diagnostics = file.diagnostics;
    if (!diagnostics.length) {
      target.append(el('p', {}, 'Aucune remarque : le flux respecte toutes les règles du profil « ' + file.profile + ' ».'));
      return;
    }
    const filters = el('div', { class: 'filtres', role: 'search' });
    const severity = el('select', { id: 'filtre-gravite' },
      el('option', { value: '' }, 'toutes'),
      el('option', { value: 'error' }, 'erreurs'),
      el('option', { value: 'warning' }, 'avertissements'),
      el('option', { value: 'info' }, 'informations'));
    const text = el('input', { type: 'search', id: 'filtre-texte', placeholder: 'code, offre, mot…' });
    filters.append(
      el('div', { class: 'champ' }, el('label', { for: 'filtre-gravite' }, 'Gravité'), severity),
      el('div', { class: 'champ' }, el('label', { for: 'filtre-texte' }, 'Rechercher'), text));
    const shown = el('p', { id: 'filtre-compte', 'aria-live': 'polite' });
    const byOffer = el('section', { id: 'par-offre', 'aria-labelledby': 'titre-par-offre' },
      el('h2', { id: 'titre-par-offre' }, 'Par offre'));
    const byRule = el('section', { id: 'par-regle', 'aria-labelledby': 'titre-par-regle' },
      el('h2', { id: 'titre-par-regle' }, 'Par règle'));
    target.append(filters, shown, byOffer, byRule);

    // Offers, in order of first appearance, errors first inside each.
    const groups = new Map();
    for (const d of diagnostics) {
      const r = recordOf(d);
      if (!groups.has(r.key)) groups.set(r.key, { record: r, items: [] });
      groups.get(r.key).items.push(d);
    }
    const rank = { error: 0, warning: 1, info: 2 };
    const entries = [];
    for (const group of groups.values()) {
      group.items.sort((a, b) => rank[a.severity] - rank[b.severity]);
      const errors = group.items.filter((d) => d.severity === 'error').length;
      const box = el('article', { class: 'offre' },
        el('h3', {}, group.record.name + ' ',
          el('span', { class: 'lieu' }, '(' + [group.record.where, plural(errors, SEVERITY.error)].filter(Boolean).join(', ') + ')')));
      for (const d of group.items) {
        const item = el('div', { class: 'constat ' + d.severity },
          el('span', { class: 'gravite ' + d.severity }, SEVERITY[d.severity][0]), ' ',
          el('span', { class: 'code' }, '[' + d.code + ']'), ' ',
          el('span', { class: 'texte' }, d.message),
          el('div', { class: 'chemin' }, [place(d), d.path].filter(Boolean).join(' — ')));
        box.append(item);
        entries.push({ item, box, d, haystack: (d.code + ' ' + d.message + ' ' + group.record.name + ' ' + (d.path || '')).toLowerCase() });
      }
      byOffer.append(box);
    }

    // Rules: code, severity, count.
    const rules = new Map();
    for (const d of diagnostics) {
      const r = rules.get(d.code) || { code: d.code, severity: d.severity, count: 0 };
      r.count += 1;
      rules.set(d.code, r);
    }
    const table = el('table', {},
      el('caption', {}, 'Nombre de constats par règle'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Règle'), el('th', { scope: 'col' }, 'Gravité'), el('th', { scope: 'col' }, 'Constats'))));
    const body = el('tbody');
    for (const r of [...rules.values()].sort((a, b) => rank[a.severity] - rank[b.severity] || b.count - a.count)) {
      body.append(el('tr', {}, el('td', { class: 'code' }, r.code), el('td', {}, SEVERITY[r.severity][0]), el('td', { class: 'nombre' }, r.count)));
    }
    table.append(body);
    byRule.append(table);

    function filter() {
      const wanted = severity.value;
      const words = text.value.trim().toLowerCase();
      let count = 0;
      const visible = new Set();
      for (const e of entries) {
        const ok = (!wanted || e.d.severity === wanted) && (!words || e.haystack.includes(words));
        e.item.hidden = !ok;
        if (ok) { count += 1; visible.add(e.box); }
      }
      for (const e of entries) e.box.hidden = !visible.has(e.box);
      shown.textContent = count + ' constat' + (count > 1 ? 's' : '') + ' affiché' + (count > 1 ? 's' : '') + ' sur ' + diagnostics.length + '.';
    }
    severity.addEventListener('change', filter);
    text.addEventListener('input', filter);
    filter();
  }

  // ---- Downloads. ---------------------------------------------------------------------------

  /** The download name's stem: as the server names it (see `download_stem` in api.rs). */
  function stem(name) {
    let base = name.split(/[\\/]/).pop();
    while (/\.(gz|xml|xlsx|xlsm|xls|ods)$/i.test(base)) base = base.replace(/\.[^.]*$/, '');
    base = base.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80).replace(/^\.+|\.+$/g, '');
    return base.replace(/[_.]/g, '') ? base : 'flux';
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  async function download(path, name, button) {
    if (!last) return;
    const state = $('telechargement-etat');
    button.disabled = true;
    state.textContent = 'Préparation de « ' + name + ' »…';
    try {
      const xhr = await send(path, last.file, last.query, 'blob');
      if (xhr.status !== 200) {
        state.textContent = 'Téléchargement impossible : ' + await errorText(xhr);
        return;
      }
      save(xhr.response, name);
      state.textContent = '« ' + name + ' » téléchargé.';
    } catch (e) {
      state.textContent = 'Téléchargement impossible : ' + e.message;
    } finally {
      button.disabled = false;
    }
  }

  function setup() {
    const input = $('fichier');
    const zone = $('depot');
    input.addEventListener('change', describeChoice);
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('survol'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('survol'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('survol');
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        describeChoice();
      }
    });
    $('formulaire').addEventListener('submit', run);
    $('telecharger-json').addEventListener('click', () => {
      if (last) save(new Blob([last.json], { type: 'application/json' }), stem(last.file.name) + '-rapport.json');
    });
    $('telecharger-flux').addEventListener('click', (e) =>
      download('api/convert', stem(last.file.name) + '-lheo-2.3.xml', e.currentTarget));
    $('telecharger-classeur').addEventListener('click', (e) =>
      download('api/export', stem(last.file.name) + '.xlsx', e.currentTarget));
    describeChoice();
  }

  window.lheoRenderReport = renderReport;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setup);
  else setup();
}());
