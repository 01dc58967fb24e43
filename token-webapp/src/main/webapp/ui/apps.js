/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
 * Licensed under the Apache License, Version 2.0. See http://www.apache.org/licenses/LICENSE-2.0
 *
 * "My applications": create applications, generate and regenerate keys, get tokens, list and revoke them, and
 * the statistics of each application. A consumer secret is kept only in this page's memory to show it once.
 */
'use strict';

(function () {
    const KEY_TYPES = ['PRODUCTION', 'SANDBOX'];
    const GRANT_TYPES = ['password', 'refresh_token', 'client_credentials'];
    const pageMessage = document.getElementById('page-message');
    const list = document.getElementById('apps');
    const shownOnce = {};
    let scopes = [];

    function note(text, kind) {
        SG.say(pageMessage, text, kind);
    }

    function keySetSection(app, type) {
        const keySet = app.key_sets.find(k => k.key_type === type);
        const title = type === 'PRODUCTION' ? 'Production keys' : 'Sandbox keys';
        const box = SG.el('div', { className: 'keyset', 'data-key-type': type }, SG.el('h4', { text: title }));
        if (!keySet) {
            box.append(SG.el('p', { className: 'muted', text: 'No keys yet.' }),
                SG.el('button', { type: 'button', className: 'generate-keys primary', 'data-key-type': type,
                    text: 'Generate keys' }));
        } else {
            box.append(SG.el('dl', {},
                SG.el('dt', { text: 'Consumer key' }),
                SG.el('dd', {}, SG.el('code', { className: 'client-id', text: keySet.client_id }))),
                SG.el('button', { type: 'button', className: 'regenerate-secret', 'data-key-type': type,
                    text: 'Regenerate secret' }));
        }
        const secret = (shownOnce[app.id] || {})[type];
        if (secret) {
            box.append(SG.el('div', { className: 'secret-once', role: 'status' },
                SG.el('strong', { text: 'Consumer secret — shown only this once, copy it now:' }),
                SG.el('br'),
                SG.el('code', { className: 'client-secret', text: secret })));
        }
        return box;
    }

    function grantsSection(app) {
        const fieldset = SG.el('fieldset', {}, SG.el('legend', { text: 'Allowed grant types' }));
        for (const grant of GRANT_TYPES) {
            const id = 'grant-' + app.id + '-' + grant;
            fieldset.append(SG.el('label', { className: 'check', for: id },
                SG.el('input', { type: 'checkbox', id: id, className: 'grant-type', value: grant,
                    checked: app.grant_types.includes(grant) }), ' ' + grant));
        }
        return SG.el('section', { className: 'grants' }, fieldset,
            SG.el('button', { type: 'button', className: 'save-grants', text: 'Save grant types' }));
    }

    function tokenSection(app) {
        const withKeys = app.key_sets.map(k => k.key_type);
        const section = SG.el('section', { className: 'token' }, SG.el('h4', { text: 'Get an access token' }));
        if (withKeys.length === 0) {
            section.append(SG.el('p', { className: 'muted', text: 'Generate keys first.' }));
            return section;
        }
        const selectId = 'token-keyset-' + app.id;
        const select = SG.el('select', { id: selectId, className: 'token-keyset' });
        for (const type of withKeys) {
            select.append(SG.el('option', { value: type, text: type === 'PRODUCTION' ? 'Production' : 'Sandbox' }));
        }
        const scopeBox = SG.el('fieldset', {}, SG.el('legend', { text: 'Scopes' }));
        for (const scope of scopes) {
            const id = 'scope-' + app.id + '-' + scope.name;
            scopeBox.append(SG.el('label', { className: 'check', for: id },
                SG.el('input', { type: 'checkbox', id: id, className: 'token-scope', value: scope.name,
                    disabled: !scope.allowed }),
                ' ' + scope.name + (scope.allowed ? '' : ' (not for your roles)')));
        }
        section.append(SG.el('label', { for: selectId, text: 'Key set' }), select, scopeBox,
            SG.el('button', { type: 'button', className: 'get-token primary', text: 'Get token' }));
        const token = (shownOnce[app.id] || {}).token;
        if (token) {
            const outputId = 'access-token-' + app.id;
            section.append(SG.el('div', { className: 'token-output' },
                SG.el('label', { for: outputId, text: 'Access token (shown only now)' }),
                SG.el('textarea', { id: outputId, className: 'access-token', rows: '2', readonly: true,
                    text: token.access_token }),
                SG.el('p', { className: 'token-info muted', text: 'Scope "' + token.scope + '", ' + token.key_type
                    + ' key set, expires in ' + token.expires_in + ' s. Use it as "Authorization: Bearer …".' })));
        }
        return section;
    }

    function tokensSection(app, tokens) {
        const section = SG.el('section', { className: 'tokens' }, SG.el('h4', { text: 'My active tokens' }));
        if (!tokens || tokens.length === 0) {
            section.append(SG.el('p', { className: 'muted no-tokens', text: 'No active token.' }));
            return section;
        }
        const body = SG.el('tbody');
        for (const token of tokens) {
            body.append(SG.el('tr', { 'data-token-id': token.token_id },
                SG.el('td', {}, SG.el('code', { text: token.digest_prefix + '…' })),
                SG.el('td', { text: token.key_type }),
                SG.el('td', { text: token.scope }),
                SG.el('td', { text: SG.time(token.expires_at) }),
                SG.el('td', {}, SG.el('button', { type: 'button', className: 'revoke-token danger',
                    text: 'Revoke' }))));
        }
        section.append(SG.el('div', { className: 'table-wrap' }, SG.el('table', { className: 'tokens-table' },
            SG.el('thead', {}, SG.el('tr', {}, SG.el('th', { scope: 'col', text: 'Digest' }),
                SG.el('th', { scope: 'col', text: 'Key set' }), SG.el('th', { scope: 'col', text: 'Scope' }),
                SG.el('th', { scope: 'col', text: 'Expires' }), SG.el('th', { scope: 'col', text: 'Action' }))),
            body)));
        return section;
    }

    function statsSection(stats) {
        const section = SG.el('section', { className: 'stats' }, SG.el('h4', { text: 'Statistics' }),
            SG.el('p', {}, 'Registered Users for Application: ',
                SG.el('strong', { className: 'registered-users', text: String(stats.registered_users) })));
        if (stats.tokens_per_day.length > 0) {
            const body = SG.el('tbody');
            for (const day of stats.tokens_per_day) {
                body.append(SG.el('tr', {}, SG.el('td', { text: day.day }), SG.el('td', { text: day.grant_type }),
                    SG.el('td', { text: String(day.issued) })));
            }
            section.append(SG.el('div', { className: 'table-wrap' }, SG.el('table', { className: 'daily-table' },
                SG.el('thead', {}, SG.el('tr', {}, SG.el('th', { scope: 'col', text: 'Day (UTC)' }),
                    SG.el('th', { scope: 'col', text: 'Grant type' }),
                    SG.el('th', { scope: 'col', text: 'Tokens issued' }))), body)));
        }
        return section;
    }

    async function renderApp(app) {
        const [tokens, stats] = await Promise.all([SG.api('GET', 'applications/' + app.id + '/tokens'),
            SG.api('GET', 'applications/' + app.id + '/stats')]);
        const card = SG.el('article', { className: 'card app', 'data-app-id': String(app.id),
            'aria-label': 'Application ' + app.name },
            SG.el('header', {}, SG.el('h2', { className: 'app-name', text: app.name }),
                SG.el('span', { className: 'muted', text: 'created ' + SG.time(app.created_at) })),
            SG.el('section', { className: 'keysets' }, ...KEY_TYPES.map(type => keySetSection(app, type))),
            grantsSection(app),
            tokenSection(app),
            tokensSection(app, tokens.data),
            statsSection(stats.data),
            SG.el('section', {}, SG.el('button', { type: 'button', className: 'delete-app danger',
                text: 'Delete application' })),
            SG.el('p', { className: 'message app-message', role: 'alert', 'aria-live': 'polite' }));
        return card;
    }

    async function refresh() {
        const answer = await SG.api('GET', 'applications');
        if (answer.status !== 200) {
            note(SG.errorText(answer), 'error');
            return;
        }
        const cards = await Promise.all(answer.data.map(renderApp));
        list.replaceChildren(...cards);
        document.getElementById('no-apps').hidden = cards.length > 0;
    }

    async function onAppClick(event) {
        const button = event.target.closest('button');
        const card = event.target.closest('article.app');
        if (!button || !card) {
            return;
        }
        const id = card.getAttribute('data-app-id');
        const base = 'applications/' + id;
        const message = card.querySelector('.app-message');
        const type = button.getAttribute('data-key-type');
        let answer;
        if (button.classList.contains('generate-keys')) {
            answer = await SG.api('POST', base + '/keys/' + type);
            if (answer.status === 201) {
                shownOnce[id] = Object.assign(shownOnce[id] || {}, { [type]: answer.data.client_secret });
                note('Keys generated: copy the consumer secret now, it is shown only once.', 'ok');
            }
        } else if (button.classList.contains('regenerate-secret')) {
            answer = await SG.api('POST', base + '/keys/' + type + '/secret');
            if (answer.status === 200) {
                shownOnce[id] = Object.assign(shownOnce[id] || {}, { [type]: answer.data.client_secret });
                if (shownOnce[id].token && shownOnce[id].token.key_type === type) {
                    delete shownOnce[id].token;
                }
                note('New secret generated: every token of this key set was revoked.', 'ok');
            }
        } else if (button.classList.contains('save-grants')) {
            const grants = [...card.querySelectorAll('.grant-type:checked')].map(input => input.value);
            answer = await SG.api('PATCH', base, { grant_types: grants });
            if (answer.status === 200) {
                note('Grant types saved.', 'ok');
            }
        } else if (button.classList.contains('get-token')) {
            const keyType = card.querySelector('.token-keyset').value;
            const scope = [...card.querySelectorAll('.token-scope:checked')].map(input => input.value).join(' ');
            answer = await SG.api('POST', base + '/keys/' + keyType + '/tokens', { scope: scope });
            if (answer.status === 200) {
                shownOnce[id] = Object.assign(shownOnce[id] || {}, { token: answer.data });
                note('Access token issued.', 'ok');
            }
        } else if (button.classList.contains('revoke-token')) {
            const tokenId = button.closest('tr').getAttribute('data-token-id');
            answer = await SG.api('DELETE', base + '/tokens/' + encodeURIComponent(tokenId));
            if (answer.status === 204) {
                note('Token revoked.', 'ok');
            }
        } else if (button.classList.contains('delete-app')) {
            if (!window.confirm('Delete this application? Every token of it stops working.')) {
                return;
            }
            answer = await SG.api('DELETE', base);
            if (answer.status === 204) {
                delete shownOnce[id];
                note('Application deleted; its tokens were revoked.', 'ok');
            }
        } else {
            return;
        }
        if (answer.status >= 400) {
            SG.say(message, SG.errorText(answer), 'error');
            return;
        }
        await refresh();
    }

    async function createApp(event) {
        event.preventDefault();
        const name = document.getElementById('app-name').value.trim();
        const grants = GRANT_TYPES.filter(g => document.getElementById('new-grant-' + g).checked);
        if (!name) {
            note('Give the application a name.', 'error');
            return;
        }
        const answer = await SG.api('POST', 'applications', { name: name, grant_types: grants });
        if (answer.status !== 201) {
            note(SG.errorText(answer), 'error');
            return;
        }
        document.getElementById('app-name').value = '';
        note('Application ' + answer.data.name + ' created: generate its keys.', 'ok');
        await refresh();
    }

    async function start() {
        const session = await SG.session();
        if (!session) {
            window.location.href = './?expired=1';
            return;
        }
        if (session.admin) {
            window.location.href = 'admin.html';
            return;
        }
        document.getElementById('whoami').textContent = session.username;
        const answer = await SG.api('GET', 'scopes');
        scopes = answer.status === 200 ? answer.data : [];
        document.getElementById('signout').addEventListener('click', SG.signOut);
        document.getElementById('create-app-form').addEventListener('submit', createApp);
        list.addEventListener('click', onAppClick);
        await refresh();
        document.body.setAttribute('data-ready', 'true');
    }

    start();
})();
