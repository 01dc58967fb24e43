/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
 * Licensed under the Apache License, Version 2.0. See http://www.apache.org/licenses/LICENSE-2.0
 *
 * The sign-up page: POST ../signup with the form fields username and password.
 */
'use strict';

(function () {
    const form = document.getElementById('signup-form');
    const message = document.getElementById('signup-message');

    fetch('../signup', { headers: { 'Accept': 'application/json' }, cache: 'no-store' })
        .then(response => response.json())
        .then(state => {
            document.getElementById('min-length').textContent = state.password_min_length;
            if (!state.enabled) {
                document.getElementById('signup-closed').hidden = false;
                for (const element of form.elements) {
                    element.disabled = true;
                }
            }
        });

    form.addEventListener('submit', async event => {
        event.preventDefault();
        const username = document.getElementById('signup-username').value.trim();
        const password = document.getElementById('signup-password').value;
        const again = document.getElementById('signup-password2').value;
        if (password !== again) {
            SG.say(message, 'The two passwords differ.', 'error');
            return;
        }
        SG.say(message, 'Creating your account…');
        const response = await fetch('../signup', {
            method: 'POST',
            headers: { 'Accept': 'application/json' },
            body: new URLSearchParams({ username: username, password: password }),
            credentials: 'same-origin'
        });
        const data = await response.json();
        if (response.status === 201) {
            form.reset();
            SG.say(message, 'Account ' + data.username + ' created. You can sign in now.', 'ok');
            message.append(' ', SG.el('a', { href: './', id: 'signin-link', text: 'Sign in' }));
        } else {
            SG.say(message, data.error_description || 'Sign-up failed', 'error');
        }
    });
})();
