/** Sign up and Log in: one page, two modes, with the product pitch alongside. */
import { useId, useState, type FormEvent } from 'react';
import { Brand } from '../components/Layout';
import { Icon } from '../components/Icon';
import { ErrorAlert } from '../components/ui';
import { withRetryHint } from '../lib/api';
import { Link, useSearchParams } from '../lib/router';
import { useSession } from '../lib/session';

const MIN_PASSWORD = 10;

export function AuthPage({ mode }: { mode: 'login' | 'signup' }) {
  const { login, signup } = useSession();
  const params = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const emailId = useId();
  const passwordId = useId();
  const hintId = useId();
  const isSignup = mode === 'signup';
  const next = params.get('next');
  const otherHref = (isSignup ? '/login' : '/signup') + (next ? `?next=${encodeURIComponent(next)}` : '');

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    if (isSignup && password.length < MIN_PASSWORD) {
      setError(new Error(`Choose a password of at least ${MIN_PASSWORD} characters.`));
      return;
    }
    setBusy(true);
    try {
      if (isSignup) await signup(email.trim(), password);
      else await login(email.trim(), password);
      // App redirects once the session is known.
    } catch (failure) {
      setError(withRetryHint(failure));
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <section className="auth-hero" aria-label="About OriginalPoint">
        <div className="auth-hero-inner">
          <div className="auth-brand">
            <Brand />
          </div>
          <p className="auth-tagline">One API key. Every model.</p>
          <p className="auth-lead">
            An OpenAI-compatible gateway to OpenAI, Anthropic, Google, Mistral, DeepSeek, xAI and Meta models — with smart routing, spend caps and
            per-request costs.
          </p>
          <ul className="auth-points">
            <li>
              <Icon name="check" /> Change only <code>base_url</code> and <code>api_key</code>
            </li>
            <li>
              <Icon name="check" /> <code>model: "auto"</code> picks by cost, latency or reliability
            </li>
            <li>
              <Icon name="check" /> Bring your own provider keys, encrypted at rest
            </li>
            <li>
              <Icon name="check" /> Usage, logs and cost for every request
            </li>
          </ul>
          <pre className="auth-code" aria-hidden="true">
            {`client = OpenAI(
  api_key="op_…",
  base_url="${window.location.origin}/v1",
)`}
          </pre>
        </div>
      </section>
      <main id="main" className="auth-main">
        <div className="auth-card">
          <div className="auth-card-brand">
            <Brand />
          </div>
          <h1>{isSignup ? 'Create your account' : 'Welcome back'}</h1>
          <p className="muted">
            {isSignup ? 'Free plan: 1,000,000 tokens a month included. No card needed.' : 'Log in to manage your keys and usage.'}
          </p>
          <form className="form" onSubmit={submit} noValidate={false}>
            <div className="field">
              <label htmlFor={emailId}>Email</label>
              <input
                id={emailId}
                type="email"
                name="email"
                autoComplete="email"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={passwordId}>Password</label>
              <input
                id={passwordId}
                type="password"
                name="password"
                autoComplete={isSignup ? 'new-password' : 'current-password'}
                required
                minLength={isSignup ? MIN_PASSWORD : undefined}
                aria-describedby={isSignup ? hintId : undefined}
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
              {isSignup ? (
                <p className="field-hint" id={hintId}>
                  At least {MIN_PASSWORD} characters.
                </p>
              ) : null}
            </div>
            <ErrorAlert error={error} />
            <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy}>
              {isSignup ? 'Sign up' : 'Log in'}
            </button>
          </form>
          <p className="auth-switch">
            {isSignup ? 'Already have an account? ' : 'New to OriginalPoint? '}
            <Link to={otherHref}>{isSignup ? 'Log in' : 'Sign up'}</Link>
          </p>
          <p className="auth-status-link">
            <Link to="/status">System status</Link>
          </p>
        </div>
      </main>
    </div>
  );
}
