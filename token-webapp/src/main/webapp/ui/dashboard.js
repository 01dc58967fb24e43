/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
 * Licensed under the Apache License, Version 2.0. See http://www.apache.org/licenses/LICENSE-2.0
 *
 * The charts of the administration page, drawn with uPlot (vendor/uplot, MIT):
 * - the live view: every INTERVAL_MS the page reads ../api/admin/dashboard (totals since the server started: the
 *   token service's own counters and those of the scope valves of the same Tomcat) and draws the change as rates per
 *   minute over the last WINDOW_MS;
 * - an application's tokens issued per day, stacked by grant type.
 */
'use strict';

const SGCharts = (function () {
    const INTERVAL_MS = 5000;
    const WINDOW_MS = 15 * 60 * 1000;
    const COLORS = ['#2459d6', '#b3261e', '#1d7a46', '#c77700', '#7b3fb8', '#00838f'];

    /** The live charts: each series is a function of two successive answers giving a rate per minute. */
    const LIVE = [
        {
            id: 'chart-grants', title: 'Token endpoint, per minute', series: [
                { label: 'Issued', value: d => d.token_service.grants_issued },
                { label: 'Refused', value: d => d.token_service.grants_refused }]
        },
        {
            id: 'chart-failures', title: 'Failed logins and lockouts, per minute', series: [
                { label: 'invalid_grant', value: d => d.token_service.grants_refused_by_error.invalid_grant },
                { label: 'Sign-in failures', value: d => d.token_service.sign_in_failures },
                { label: 'Lockouts', value: d => d.token_service.lockouts }]
        },
        {
            id: 'chart-valve', title: 'Valve refusals, per minute', series: [
                { label: '401', value: d => d.valves.refused_by_reason.no_token + d.valves.refused_by_reason.invalid_token },
                { label: '403', value: d => d.valves.refused_by_reason.insufficient_scope
                        + d.valves.refused_by_reason.unmatched },
                { label: '400', value: d => d.valves.refused_by_reason.invalid_request },
                { label: '503', value: d => d.valves.refused_by_reason.unavailable },
                { label: '429', value: d => d.valves.refused_by_reason.throttled || 0 }]
        }
    ];

    function width(element) {
        return Math.max(260, Math.floor(element.getBoundingClientRect().width) || 320);
    }

    function options(title, labels, element, extra) {
        return Object.assign({
            width: width(element),
            height: 200,
            legend: { live: false },
            cursor: { drag: { x: false, y: false } },
            scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
            axes: [{}, { size: 50 }],
            series: [{}].concat(labels.map((label, i) => ({
                label: label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: false }
            })))
        }, extra || {});
    }

    function describe(element, title, labels, rows) {
        const last = labels.map((label, i) => {
            const values = rows[i + 1];
            const value = values.length ? values[values.length - 1] : 0;
            return label + ' ' + (Math.round(value * 10) / 10);
        });
        element.setAttribute('aria-label', title + ' (latest: ' + last.join(', ') + ')');
    }

    /** The live view: starts reading the figures; resolves after the first answer. */
    async function startLive(onError) {
        const samples = [];
        const charts = LIVE.map(spec => {
            const element = document.getElementById(spec.id);
            const labels = spec.series.map(s => s.label);
            const data = [[]].concat(labels.map(() => []));
            const plot = new uPlot(options(spec.title, labels, element), data, element);
            return { spec: spec, element: element, plot: plot, data: data, labels: labels };
        });
        const totals = document.getElementById('live-totals');

        function show(figures) {
            const t = figures.token_service;
            const v = figures.valves;
            const entries = [
                ['Tokens issued', t.grants_issued], ['Grants refused', t.grants_refused],
                ['Lockouts', t.lockouts], ['Tokens revoked', t.revoked_tokens],
                ['Live access tokens', t.live_access_tokens < 0 ? '…' : t.live_access_tokens],
                ['Scope valves here', v.count], ['Valve refusals', v.refused]];
            totals.replaceChildren(...entries.map(([name, value]) => SG.el('div', {},
                SG.el('dt', { text: name }), SG.el('dd', { text: String(value) }))));
        }

        async function sample() {
            const answer = await SG.api('GET', 'admin/dashboard');
            if (answer.status !== 200 || !answer.data) {
                if (onError) {
                    onError(SG.errorText(answer));
                }
                return;
            }
            const figures = answer.data;
            show(figures);
            samples.push(figures);
            while (samples.length > 2 && figures.at - samples[0].at > WINDOW_MS + INTERVAL_MS) {
                samples.shift();
            }
            for (const chart of charts) {
                const x = [];
                const ys = chart.spec.series.map(() => []);
                for (let i = 1; i < samples.length; i++) {
                    const minutes = (samples[i].at - samples[i - 1].at) / 60000;
                    if (minutes <= 0) {
                        continue;
                    }
                    x.push(samples[i].at / 1000);
                    chart.spec.series.forEach((s, j) => {
                        // A restart of the server resets its counters: never draw a negative rate
                        ys[j].push(Math.max(0, s.value(samples[i]) - s.value(samples[i - 1])) / minutes);
                    });
                }
                const data = [x].concat(ys);
                chart.plot.setData(data);
                describe(chart.element, chart.spec.title, chart.labels, data);
            }
            document.getElementById('live').setAttribute('data-samples', String(samples.length));
        }

        await sample();
        window.setInterval(sample, INTERVAL_MS);
        window.addEventListener('resize', () => {
            for (const chart of charts) {
                chart.plot.setSize({ width: width(chart.element), height: 200 });
            }
        });
    }

    let perDay = null;

    /** Draws tokens issued per day (UTC), stacked by grant type, from the statistics API's tokens_per_day. */
    function tokensPerDay(element, rows) {
        const days = [...new Set(rows.map(r => r.day))].sort();
        const types = [...new Set(rows.map(r => r.grant_type))].sort();
        // One bar per day, placed by index: a day without tokens is simply absent from the statistics
        const x = days.map((day, i) => i);
        // Stacked: series i is the sum of the grant types 0..i, drawn tallest first so that each shows its own band
        let running = days.map(() => 0);
        const stacked = types.map(type => {
            running = running.map((sum, i) => sum + rows.filter(r => r.day === days[i] && r.grant_type === type)
                .reduce((n, r) => n + r.issued, 0));
            return running.slice();
        });
        const order = types.map((type, i) => i).reverse();
        const bars = uPlot.paths.bars({ size: [0.6, 60] });
        const opts = options('Tokens issued per day', [], element, {
            height: 220,
            scales: { x: { time: false, range: () => [-0.5, Math.max(1, days.length) - 0.5] },
                y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
            axes: [{ incrs: [1], space: 40,
                values: (u, splits) => splits.map(i => (Number.isInteger(i) && days[i]) ? days[i].slice(5) : '') },
                { size: 50 }],
            series: [{ label: 'Day', value: (u, i) => (i === null || days[i] === undefined) ? '' : days[i] }]
                .concat(order.map(i => ({
                    label: types[i], fill: COLORS[i % COLORS.length], stroke: COLORS[i % COLORS.length],
                    width: 0, paths: bars, points: { show: false }
                })))
        });
        const data = [x].concat(order.map(i => stacked[i]));
        if (perDay) {
            perDay.destroy();
        }
        perDay = new uPlot(opts, data, element);
        const total = rows.reduce((n, r) => n + r.issued, 0);
        element.setAttribute('aria-label', 'Tokens issued per day: ' + total + ' in ' + days.length + ' day(s)');
        element.setAttribute('data-days', String(days.length));
    }

    return { startLive: startLive, tokensPerDay: tokensPerDay };
})();
