#!/usr/bin/env python3
"""How far can a ranking built only from earlier cycles go on a RETECS-format history?

Independent of the TypeScript prioritiser: a plain-Python replay of the same online protocol
(cycles in order; a cycle is ranked from earlier cycles only; ties keep the time-then-Id order;
APFD averaged over cycles with n >= 6 executions and m >= 1 failures), over model families that
use history only:
  - per-test exponentially weighted failure rate, several weights;
  - a global table P(fail | last k verdicts) with back-off (variable-order Markov), k = 1..6;
  - online logistic regression and gradient-boosted trees over 20 history features, refit
    before every cycle on all earlier cycles (needs scikit-learn);
  - per-test rate plus recent run frequency ("activity").
It also prints the one signal deliberately left out: ranking tests that appear more than once
in the cycle first (the repeats are retries after a failure, i.e. a verdict of the cycle).

Usage: python3 research/ci-insights/history-only-ceiling.py --data FILE.csv   (needs numpy; scikit-learn optional)
Prints a table, then one JSON object as the last line.
"""
import argparse, bisect, collections, csv, datetime, json, math, sys

ap = argparse.ArgumentParser()
ap.add_argument('--data', required=True)
args = ap.parse_args()

rows = list(csv.DictReader(open(args.data), delimiter=';'))
for r in rows:
    r['t'] = datetime.datetime.strptime(r['LastRun'].strip(), '%Y-%m-%d %H:%M:%S').timestamp()
    r['f'] = int(r['Verdict']); r['c'] = int(r['Cycle']); r['id'] = int(r['Id'])
cycles = collections.defaultdict(list)
for r in rows:
    cycles[r['c']].append(r)
ORDER = sorted(cycles)
for c in ORDER:
    cycles[c].sort(key=lambda r: (r['t'], r['id']))


def apfd(v):
    n, m = len(v), sum(v)
    if n < 6 or m < 1:
        return None
    return 1 - sum(i + 1 for i, x in enumerate(v) if x) / (n * m) + 1 / (2 * n)


def replay(score):
    """score(executions, hist, cycle) -> keys (higher runs first); hist: name -> {'v','c','t'}."""
    hist, vals = {}, []
    for c in ORDER:
        ex = cycles[c]
        k = score(ex, hist, c)
        idx = sorted(range(len(ex)), key=lambda i: (-k[i], i))
        a = apfd([ex[i]['f'] for i in idx])
        if a is not None:
            vals.append(a)
        for r in ex:
            h = hist.setdefault(r['Name'], {'v': [], 'c': [], 't': []})
            h['v'].append(r['f']); h['c'].append(c); h['t'].append(r['t'])
    return sum(vals) / len(vals)


def ewma(v, a, p0=0.25):
    p = p0
    for x in v:
        p = (1 - a) * p + a * x
    return p


class NewRate:
    """Online first-run failure rate of tests never seen (EWMA 0.1), as the prioritiser does."""
    def __init__(self):
        self.p, self.seen = 0.5, set()

    def learn(self, ex):
        for r in ex:
            if r['Name'] not in self.seen:
                self.seen.add(r['Name'])
                self.p = 0.9 * self.p + 0.1 * r['f']


def ewma_scorer(a, activity=0.0, window=10):
    nr = NewRate()
    def s(ex, h, c):
        out = []
        for r in ex:
            x = h.get(r['Name'])
            if not x:
                out.append(nr.p)
                continue
            act = len({q for q in x['c'] if q >= c - window}) / window
            out.append(ewma(x['v'], a) + activity * act)
        nr.learn(ex)
        return out
    return s


def markov_scorer(K, S=10.0):
    tab = collections.defaultdict(lambda: [0.0, 0.0])
    def keys(v):
        ks = ['N' if not v else '*']
        for k in range(1, K + 1):
            if len(v) < k:
                break
            ks.append(''.join(map(str, v[-k:])))
        return ks
    def s(ex, h, c):
        out = []
        for r in ex:
            v = h[r['Name']]['v'] if r['Name'] in h else []
            p = 0.25
            for k in keys(v):
                n, f = tab[k]
                p = (f + S * p) / (n + S)
            out.append(p)
        for r in ex:
            for k in keys(h[r['Name']]['v'] if r['Name'] in h else []):
                tab[k][0] += 1; tab[k][1] += r['f']
        return out
    return s


def retry_leak_scorer(a):
    nr = NewRate()
    def s(ex, h, c):
        cnt = collections.Counter(r['Name'] for r in ex)
        out = [(1.0 if cnt[r['Name']] > 1 else 0.0) + (ewma(h[r['Name']]['v'], a) if r['Name'] in h else nr.p) / 2 for r in ex]
        nr.learn(ex)
        return out
    return s


def features(r, x, c, t0):
    v = x['v'] if x else []
    last_fail = max((i for i, y in enumerate(v) if y), default=None)
    return [
        0 if x else 1, math.log1p(len(v)), math.log1p(sum(v)),
        v[-1] if v else 0.5, v[-2] if len(v) > 1 else 0.5,
        ewma(v, 0.3) if v else 0.4, ewma(v, 0.5) if v else 0.4, ewma(v, 0.8) if v else 0.4,
        math.log1p(len(v) - 1 - last_fail) if last_fail is not None else 5, sum(v[-5:]),
        math.log1p(c - x['c'][-1]) if x else 0, math.log1p((t0 - x['t'][-1]) / 86400) if x else 0,
        math.log1p((t0 - x['t'][0]) / 86400) if x else 0,
        math.log1p((t0 - x['t'][last_fail]) / 86400) if last_fail is not None else 6,
        math.log1p(float(r['Duration'])),
        len({q for q in x['c'] if q >= c - 10}) / 10 if x else 0,
        sum(v[-3:]) / min(3, len(v)) if v else 0.4,
        math.log1p(c - x['c'][0]) if x else 0,
        1 if x and len(v) > 1 and v[-1] != v[-2] else 0,
        x['c'][-1] == c - 1 if x else 0,
    ]


def learned_scorer(make):
    import numpy as np
    X, Y = [], []
    def s(ex, h, c):
        t0 = ex[0]['t']
        F = [features(r, h.get(r['Name']), c, t0) for r in ex]
        if len(Y) >= 200 and 0 < sum(Y) < len(Y):
            m = make(); m.fit(np.array(X, dtype=float), np.array(Y))
            out = list(m.predict_proba(np.array(F, dtype=float))[:, 1])
        else:
            out = [f[7] for f in F]
        X.extend(F); Y.extend(r['f'] for r in ex)
        return out
    return s


results = collections.OrderedDict()  # label -> (json key, APFD)
for a in (0.1, 0.3, 0.5, 0.8, 1.0):
    results[f'per-test EWMA rate, weight {a}'] = (f'apfd_ewma_{a}', replay(ewma_scorer(a)))
for k in (1, 2, 3, 4, 6):
    results[f'P(fail | last {k} verdicts), back-off'] = (f'apfd_markov_{k}', replay(markov_scorer(k)))
for w in (0.02, 0.05, 0.1):
    results[f'EWMA 0.8 + {w} x run frequency (10 cycles)'] = (f'apfd_ewma_0.8_activity_{w}', replay(ewma_scorer(0.8, activity=w)))
try:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    results['online logistic regression, 20 features'] = ('apfd_logistic', replay(learned_scorer(
        lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)))))
    results['online gradient-boosted trees, 20 features'] = ('apfd_boosted_trees', replay(learned_scorer(
        lambda: HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0))))
except ImportError:
    print('scikit-learn not installed: learned models skipped (pip install scikit-learn)', file=sys.stderr)
best = max(results, key=lambda k: results[k][1])
leak = replay(retry_leak_scorer(0.8))
LEAK = 'repeated tests first (leak, not a valid ranking)'

w = max(len(k) for k in [*results, LEAK]) + 2
print('History-only rankings, online replay (APFD, cycles with n>=6, m>=1)')
for k, (_, v) in results.items():
    print(f'{k:<{w}}{v:.4f}')
print(f'{"best history-only":<{w}}{results[best][1]:.4f}  ({best})')
print(f'{LEAK:<{w}}{leak:.4f}')
print(json.dumps({**{key: round(v, 6) for key, v in results.values()},
                  'apfd_best_history_only': round(results[best][1], 6), 'apfd_retry_leak': round(leak, 6)}))
