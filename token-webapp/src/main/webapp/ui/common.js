/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
 * Licensed under the Apache License, Version 2.0. See http://www.apache.org/licenses/LICENSE-2.0
 *
 * Shared helpers of the self-service pages: JSON calls to ../api/ with the session's CSRF token, messages and
 * small DOM builders (text only: nothing from the server is ever parsed as HTML).
 */
'use strict';

const SG = {
    csrfToken: null,

    /** Calls the API: resolves to {status, data}; sends the CSRF token with every change. */
    async api(method, path, body) {
        const headers = { 'Accept': 'application/json' };
        const init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        if (method !== 'GET' && SG.csrfToken) {
            headers['X-CSRF-Token'] = SG.csrfToken;
        }
        const response = await fetch('../api/' + path, init);
        let data = null;
        const text = await response.text();
        if (text) {
            try {
                data = JSON.parse(text);
            } catch (e) {
                data = { error: 'server_error', error_description: 'Unexpected answer from the server' };
            }
        }
        if (response.status === 401 && path !== 'session') {
            window.location.href = './?expired=1';
        }
        return { status: response.status, data: data };
    },

    /** Reads the session: resolves to it, or null when nobody is signed in. */
    async session() {
        const answer = await SG.api('GET', 'session');
        if (answer.status !== 200) {
            return null;
        }
        SG.csrfToken = answer.data.csrf_token;
        return answer.data;
    },

    async signOut() {
        await SG.api('DELETE', 'session');
        window.location.href = './';
    },

    /** Shows a message in an element: kind 'ok' or 'error'. */
    say(element, text, kind) {
        element.textContent = text || '';
        element.className = 'message' + (kind ? ' ' + kind : '');
    },

    /** The error text of an API answer. */
    errorText(answer) {
        if (answer.data && answer.data.error_description) {
            return answer.data.error_description;
        }
        return 'The request failed (HTTP ' + answer.status + ')';
    },

    /** Creates an element with attributes and children (strings become text nodes). */
    el(tag, attributes, ...children) {
        const element = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) {
            if (value === false || value === null || value === undefined) {
                continue;
            }
            if (name === 'className') {
                element.className = value;
            } else if (name === 'text') {
                element.textContent = value;
            } else {
                element.setAttribute(name, value === true ? '' : value);
            }
        }
        for (const child of children) {
            if (child !== null && child !== undefined) {
                element.append(child);
            }
        }
        return element;
    },

    /** An epoch-milliseconds time in the reader's locale. */
    time(millis) {
        return new Date(millis).toLocaleString();
    }
};
