// lheo serve: the page's script. Sends the chosen file to the API, shows the progress, shows
// the HTML report the server renders (in a sandboxed frame) and offers the downloads. Every
// text that comes from the file is put into this page as text (textContent), never as HTML.
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
    if (usesRentree() && $('rentree').value) query.set('rentree', $('rentree').value);
    return query;
  }

  /** Whether the chosen profile checks a rentrée (Parcoursup). */
  function usesRentree() {
    const option = $('profil').selectedOptions[0];
    return !!(option && option.dataset.rentree);
  }

  function showRentree() {
    $('champ-rentree').hidden = !usesRentree();
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
      query.set('format', 'html');
      const xhr = await send('api/validate', file, query, 'text', (f) => {
        if (f === null || f >= 1) progress('Vérification en cours…', null);
        else progress('Envoi du fichier… ' + Math.round(f * 100) + ' %', f);
      });
      query.delete('format');
      if (xhr.status !== 200) {
        showMessage('Le fichier n’a pas pu être vérifié : ' + await errorText(xhr));
        return;
      }
      last = { file, query, html: xhr.responseText, verdict: verdictOf(xhr) };
      show(last);
    } catch (e) {
      showMessage('Le fichier n’a pas pu être vérifié : ' + e.message);
    } finally {
      $('progression').hidden = true;
      $('verifier').disabled = false;
    }
  }

  /** The verdict the API gives in its headers. */
  function verdictOf(xhr) {
    const number = (name) => Number(xhr.getResponseHeader(name) || 0);
    return {
      valid: xhr.getResponseHeader('X-Lheo-Valid') === 'true',
      error: number('X-Lheo-Errors'),
      warning: number('X-Lheo-Warnings'),
      info: number('X-Lheo-Infos'),
      profile: xhr.getResponseHeader('X-Lheo-Profile') || '',
      version: xhr.getResponseHeader('X-Lheo-Version') || '',
    };
  }

  /** The verdict above the report, the downloads, and the report itself: the page
   * `lheo validate --format html` writes, in a sandboxed frame. */
  function show(run) {
    const v = run.verdict;
    const verdict = $('verdict');
    verdict.className = 'verdict ' + (v.valid ? 'valide' : 'invalide');
    verdict.textContent = v.valid
      ? 'Flux valide : aucune erreur'
      : 'Flux invalide : ' + plural(v.error, SEVERITY.error);
    $('resume').textContent = [
      plural(v.error, SEVERITY.error),
      plural(v.warning, SEVERITY.warning),
      plural(v.info, SEVERITY.info),
    ].join(', ') + ' — profil « ' + v.profile + ' »' +
      (v.version ? ', LHEO ' + v.version : '') + '. Le rapport détaillé est ci-dessous.';
    const flux = $('telecharger-flux');
    flux.disabled = !v.valid;
    $('flux-aide').textContent = v.valid ? '' : 'Le flux converti est disponible quand il n’a plus d’erreur.';
    const workbook = $('telecharger-classeur');
    workbook.disabled = WORKBOOK.test(run.file.name);
    $('classeur-aide').textContent = workbook.disabled ? 'Le fichier envoyé est déjà un classeur.' : '';
    $('telechargement-etat').textContent = '';
    const frame = $('rapport');
    if (frame.dataset.url) URL.revokeObjectURL(frame.dataset.url);
    const url = URL.createObjectURL(new Blob([run.html], { type: 'text/html' }));
    frame.dataset.url = url;
    frame.src = url;
    $('resultat').hidden = false;
    $('resultat').focus();
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

  async function download(path, query, name, button) {
    if (!last) return;
    const state = $('telechargement-etat');
    button.disabled = true;
    state.textContent = 'Préparation de « ' + name + ' »…';
    try {
      const xhr = await send(path, last.file, query, 'blob');
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
    $('profil').addEventListener('change', showRentree);
    const named = (suffix) => stem(last.file.name) + suffix;
    $('telecharger-html').addEventListener('click', () => {
      if (!last) return;
      save(new Blob([last.html], { type: 'text/html' }), named('-rapport.html'));
      $('telechargement-etat').textContent = '« ' + named('-rapport.html') + ' » téléchargé.';
    });
    const report = (format) => {
      const query = new URLSearchParams(last.query);
      query.set('format', format);
      return query;
    };
    $('telecharger-csv').addEventListener('click', (e) =>
      download('api/validate', report('csv'), named('-rapport.csv'), e.currentTarget));
    $('telecharger-json').addEventListener('click', (e) =>
      download('api/validate', report('json'), named('-rapport.json'), e.currentTarget));
    $('telecharger-flux').addEventListener('click', (e) =>
      download('api/convert', last.query, named('-lheo-2.3.xml'), e.currentTarget));
    $('telecharger-classeur').addEventListener('click', (e) =>
      download('api/export', last.query, named('.xlsx'), e.currentTarget));
    showRentree();
    describeChoice();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setup);
  else setup();
}());
