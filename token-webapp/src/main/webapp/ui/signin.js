/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
 * Licensed under the Apache License, Version 2.0. See http://www.apache.org/licenses/LICENSE-2.0
 *
 * The sign-in page: the same user store, password hashing and lockout as the password grant; the administrator
 * signs in as "admin" with the admin secret.
 */
'use strict';

(function () {
    const form = document.getElementById('signin-form');
    const message = document.getElementById('message');

    function landing(session) {
        window.location.href = session.admin ? 'admin.html' : 'apps.html';
    }

    if (new URLSearchParams(window.location.search).has('expired')) {
        SG.say(message, 'Your session ended: please sign in again.', 'error');
    }
    SG.session().then(session => {
        if (session) {
            landing(session);
        }
    });

    form.addEventListener('submit', async event => {
        event.preventDefault();
        const username = document.getElementById('username').value.trim();
        const password = document.getElementById('password').value;
        if (!username || !password) {
            SG.say(message, 'Enter your user name and password.', 'error');
            return;
        }
        SG.say(message, 'Signing in…');
        const answer = await SG.api('POST', 'session', { username: username, password: password });
        if (answer.status === 200) {
            landing(answer.data);
        } else {
            document.getElementById('password').value = '';
            SG.say(message, SG.errorText(answer), 'error');
        }
    });
})();
