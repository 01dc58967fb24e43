/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
 * Licensed under the Apache License, Version 2.0. See http://www.apache.org/licenses/LICENSE-2.0
 *
 * The administration page: the admin API's operations under ../api/admin/, with the administrator's session.
 */
'use strict';

(function () {
    const pageMessage = document.getElementById('page-message');

    function note(text, kind) {
        SG.say(pageMessage, text, kind);
    }

    function roles(text) {
        return text.split(',').map(role => role.trim()).filter(role => role.length > 0);
    }

    async function call(method, path, body, success) {
        const answer = await SG.api(method, 'admin/' + path, body);
        if (answer.status >= 400) {
            note(SG.errorText(answer), 'error');
            return null;
        }
        if (success) {
            note(success, 'ok');
        }
        return answer;
    }

    async function loadSignup() {
        const answer = await call('GET', 'settings/signup');
        if (answer) {
            document.getElementById('signup-enabled').checked = answer.data.enabled;
            document.getElementById('signup-status').textContent = answer.data.enabled
                ? 'Sign-up is on: anyone can create an account at the sign-up page.'
                : 'Sign-up is off: only the administrator creates accounts.';
        }
    }

    let tierNames = [];

    function quotaText(tier) {
        return tier.quota === null ? 'no quota' : tier.quota + ' requests / ' + tier.window + ' s';
    }

    function tierSelect(app) {
        const selectId = 'tier-of-' + app.id;
        const names = tierNames.includes(app.tier) ? tierNames : tierNames.concat([app.tier]);
        return [SG.el('label', { for: selectId, className: 'visually-hidden', text: 'Tier of ' + app.name }),
            SG.el('select', { id: selectId, className: 'app-tier' },
                ...names.map(name => SG.el('option', { value: name, selected: name === app.tier, text: name })))];
    }

    async function loadTiers() {
        const answer = await call('GET', 'tiers');
        if (!answer) {
            return;
        }
        tierNames = answer.data.map(tier => tier.name);
        const rows = answer.data.map(tier => SG.el('tr', { 'data-tier': tier.name },
            SG.el('td', {}, SG.el('code', { text: tier.name })),
            SG.el('td', { className: 'tier-quota', text: quotaText(tier) }),
            SG.el('td', { text: tier.burst === null ? '—' : String(tier.burst) }),
            SG.el('td', { className: 'tier-applications', text: String(tier.applications) }),
            SG.el('td', { text: tier.description || '' }),
            SG.el('td', {}, tier.name === 'Unlimited' ? null
                : SG.el('button', { type: 'button', className: 'delete-tier danger', text: 'Delete' }))));
        document.querySelector('#tiers-table tbody').replaceChildren(...rows);
    }

    async function loadApps() {
        const answer = await call('GET', 'applications');
        if (!answer) {
            return;
        }
        const rows = answer.data.map(app => SG.el('tr', { 'data-app-id': String(app.id) },
            SG.el('td', { text: String(app.id) }),
            SG.el('td', { className: 'app-name', text: app.name }),
            SG.el('td', { text: app.owner || '—' }),
            SG.el('td', {}, ...app.key_sets.map(k => SG.el('div', {}, k.key_type + ': ',
                SG.el('code', { className: 'client-id', text: k.client_id })))),
            SG.el('td', { text: app.grant_types.join(' ') }),
            SG.el('td', { className: 'registered-users', text: String(app.registered_users) }),
            SG.el('td', {}, ...tierSelect(app)),
            SG.el('td', {},
                SG.el('button', { type: 'button', className: 'save-tier', text: 'Save tier' }),
                SG.el('button', { type: 'button', className: 'show-stats', text: 'Statistics' }),
                SG.el('button', { type: 'button', className: 'delete-app danger', text: 'Delete' }))));
        document.querySelector('#apps-table tbody').replaceChildren(...rows);
    }

    async function showStats(id) {
        const answer = await call('GET', 'applications/' + id + '/stats');
        if (!answer) {
            return;
        }
        document.getElementById('stats-panel').hidden = false;
        document.getElementById('stats-title').textContent = 'Statistics of ' + answer.data.application.name;
        document.getElementById('stats-registered-users').textContent = String(answer.data.registered_users);
        const rows = answer.data.tokens_per_day.map(day => SG.el('tr', {}, SG.el('td', { text: day.day }),
            SG.el('td', { text: day.grant_type }), SG.el('td', { text: String(day.issued) })));
        document.querySelector('#stats-table tbody').replaceChildren(...rows);
        SGCharts.tokensPerDay(document.getElementById('stats-chart'), answer.data.tokens_per_day);
    }

    async function loadUsers() {
        const answer = await call('GET', 'users');
        if (!answer) {
            return;
        }
        const rows = answer.data.map(user => {
            const rolesId = 'roles-' + user.username;
            const status = (user.enabled ? 'enabled' : 'disabled')
                + (user.locked_until ? ', locked until ' + SG.time(user.locked_until) : '');
            return SG.el('tr', { 'data-username': user.username },
                SG.el('td', { text: user.username }),
                SG.el('td', {}, SG.el('label', { for: rolesId, className: 'visually-hidden',
                    text: 'Roles of ' + user.username }),
                    SG.el('input', { type: 'text', id: rolesId, className: 'user-roles',
                        value: user.roles.join(', ') })),
                SG.el('td', { className: 'user-status', text: status }),
                SG.el('td', {},
                    SG.el('button', { type: 'button', className: 'save-roles', text: 'Save roles' }),
                    SG.el('button', { type: 'button', className: 'toggle-user',
                        'data-enable': String(!user.enabled), text: user.enabled ? 'Disable' : 'Enable' }),
                    user.locked_until ? SG.el('button', { type: 'button', className: 'unlock-user', text: 'Unlock' })
                        : null));
        });
        document.querySelector('#users-table tbody').replaceChildren(...rows);
    }

    async function loadScopes() {
        const answer = await call('GET', 'scopes');
        if (!answer) {
            return;
        }
        const rows = answer.data.map(scope => {
            const rolesId = 'scope-roles-' + scope.name;
            return SG.el('tr', { 'data-scope': scope.name },
                SG.el('td', {}, SG.el('code', { text: scope.name })),
                SG.el('td', { text: scope.description || '' }),
                SG.el('td', {}, SG.el('label', { for: rolesId, className: 'visually-hidden',
                    text: 'Roles of scope ' + scope.name }),
                    SG.el('input', { type: 'text', id: rolesId, className: 'scope-roles',
                        value: scope.roles.join(', ') })),
                SG.el('td', {},
                    SG.el('button', { type: 'button', className: 'save-scope', text: 'Save roles' }),
                    SG.el('button', { type: 'button', className: 'delete-scope danger', text: 'Delete' })));
        });
        document.querySelector('#scopes-table tbody').replaceChildren(...rows);
    }

    async function loadAll() {
        // the applications' tier lists need the tiers
        await loadTiers();
        await Promise.all([loadSignup(), loadApps(), loadUsers(), loadScopes()]);
        document.body.setAttribute('data-loaded', String(Date.now()));
    }

    async function onTableClick(event) {
        const button = event.target.closest('button');
        const row = event.target.closest('tr');
        if (!button || !row) {
            return;
        }
        const user = row.getAttribute('data-username');
        const scope = row.getAttribute('data-scope');
        const app = row.getAttribute('data-app-id');
        const tier = row.getAttribute('data-tier');
        let done = null;
        if (button.classList.contains('save-roles')) {
            done = await call('PATCH', 'users/' + encodeURIComponent(user),
                { roles: roles(row.querySelector('.user-roles').value) }, 'Roles of ' + user + ' saved.');
        } else if (button.classList.contains('toggle-user')) {
            const enable = button.getAttribute('data-enable') === 'true';
            done = await call('PATCH', 'users/' + encodeURIComponent(user), { enabled: enable },
                'User ' + user + (enable ? ' enabled.' : ' disabled: their tokens were revoked.'));
        } else if (button.classList.contains('unlock-user')) {
            done = await call('POST', 'users/' + encodeURIComponent(user) + '/unlock', undefined,
                'User ' + user + ' unlocked.');
        } else if (button.classList.contains('save-scope')) {
            done = await call('PATCH', 'scopes/' + encodeURIComponent(scope),
                { roles: roles(row.querySelector('.scope-roles').value) }, 'Roles of scope ' + scope + ' saved.');
        } else if (button.classList.contains('delete-scope')) {
            if (window.confirm('Delete scope ' + scope + '?')) {
                done = await call('DELETE', 'scopes/' + encodeURIComponent(scope), undefined,
                    'Scope ' + scope + ' deleted.');
            }
        } else if (button.classList.contains('save-tier')) {
            const chosen = row.querySelector('.app-tier').value;
            done = await call('PATCH', 'applications/' + app, { tier: chosen },
                'Application ' + app + ' now has tier ' + chosen + '.');
        } else if (button.classList.contains('delete-tier')) {
            if (window.confirm('Delete tier ' + tier + '?')) {
                done = await call('DELETE', 'tiers/' + encodeURIComponent(tier), undefined,
                    'Tier ' + tier + ' deleted.');
            }
        } else if (button.classList.contains('show-stats')) {
            await showStats(app);
            return;
        } else if (button.classList.contains('delete-app')) {
            if (window.confirm('Delete application ' + app + '? Its tokens stop working.')) {
                done = await call('DELETE', 'applications/' + app, undefined,
                    'Application deleted; its tokens were revoked.');
            }
        }
        if (done) {
            await loadAll();
        }
    }

    async function addScope(event) {
        event.preventDefault();
        const name = document.getElementById('scope-name').value.trim();
        const done = await call('POST', 'scopes', { name: name, roles: roles(document.getElementById('scope-roles')
            .value) }, 'Scope ' + name + ' added.');
        if (done) {
            document.getElementById('scope-form').reset();
            await loadScopes();
        }
    }

    async function addTier(event) {
        event.preventDefault();
        const name = document.getElementById('tier-name').value.trim();
        const body = {
            name: name,
            quota: Number(document.getElementById('tier-quota').value),
            window: Number(document.getElementById('tier-window').value)
        };
        const burst = document.getElementById('tier-burst').value.trim();
        if (burst !== '') {
            body.burst = Number(burst);
        }
        const done = await call('POST', 'tiers', body, 'Tier ' + name + ' added.');
        if (done) {
            document.getElementById('tier-form').reset();
            await loadAll();
        }
    }

    async function start() {
        const session = await SG.session();
        if (!session || !session.admin) {
            window.location.href = './?expired=1';
            return;
        }
        document.getElementById('signout').addEventListener('click', SG.signOut);
        document.getElementById('refresh').addEventListener('click', () => {
            note('');
            loadAll();
        });
        document.getElementById('signup-enabled').addEventListener('change', async event => {
            const enabled = event.target.checked;
            const done = await call('PUT', 'settings/signup', { enabled: enabled },
                enabled ? 'Sign-up switched on.' : 'Sign-up switched off.');
            await loadSignup();
            if (!done) {
                event.target.checked = !enabled;
            }
        });
        document.getElementById('scope-form').addEventListener('submit', addScope);
        document.getElementById('tier-form').addEventListener('submit', addTier);
        for (const table of document.querySelectorAll('table')) {
            table.addEventListener('click', onTableClick);
        }
        await loadAll();
        SGCharts.startLive(text => note(text, 'error'));
    }

    start();
})();
