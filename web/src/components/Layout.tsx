/** The signed-in shell: sidebar navigation, account footer, main region. */
import { useEffect, useState, type ReactNode } from 'react';
import { Link, navigate, usePath } from '../lib/router';
import { useSession } from '../lib/session';
import { Icon, Logo, type IconName } from './Icon';
import { Badge } from './ui';

export const NAV_ITEMS: readonly { to: string; label: string; icon: IconName }[] = [
  { to: '/', label: 'Overview', icon: 'overview' },
  { to: '/keys', label: 'API Keys', icon: 'key' },
  { to: '/provider-keys', label: 'Provider Keys', icon: 'plug' },
  { to: '/usage', label: 'Usage', icon: 'chart' },
  { to: '/logs', label: 'Logs', icon: 'list' },
  { to: '/models', label: 'Models', icon: 'cube' },
  { to: '/playground', label: 'Playground', icon: 'chat' },
  { to: '/account', label: 'Account', icon: 'user' },
  { to: '/status', label: 'Status', icon: 'pulse' },
];

export function Brand() {
  return (
    <Link to="/" className="brand">
      <Logo />
      <span className="brand-name">OriginalPoint</span>
    </Link>
  );
}

export function AppLayout({ children }: { children: ReactNode }) {
  const { me, logout } = useSession();
  const path = usePath();
  const [menuOpen, setMenuOpen] = useState(false);
  const [menuPath, setMenuPath] = useState(path);
  const [loggingOut, setLoggingOut] = useState(false);

  // Navigating closes the menu, in the same render that shows the new page.
  if (menuPath !== path) {
    setMenuPath(path);
    setMenuOpen(false);
  }

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setMenuOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const handleLogout = async () => {
    setLoggingOut(true);
    try {
      await logout();
    } finally {
      setLoggingOut(false);
      navigate('/login', { replace: true });
    }
  };

  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="topbar">
        <button
          type="button"
          className="icon-btn"
          aria-label="Menu"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <Icon name={menuOpen ? 'close' : 'menu'} />
        </button>
        <Brand />
      </div>
      <aside className="sidebar" id="sidebar">
        <div className="sidebar-brand">
          <Brand />
        </div>
        <nav aria-label="Main" className="nav">
          <ul>
            {NAV_ITEMS.map((item) => (
              <li key={item.to}>
                <Link to={item.to} className="nav-link" activeMatch>
                  <Icon name={item.icon} />
                  <span>{item.label}</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {me ? (
          <div className="sidebar-footer">
            <div className="account">
              <span className="avatar" aria-hidden="true">
                {me.account.email.slice(0, 1).toUpperCase()}
              </span>
              <div className="account-text">
                <span className="account-email" title={me.account.email}>
                  {me.account.email}
                </span>
                <Badge tone="accent">{planName(me.account.plan)} plan</Badge>
              </div>
            </div>
            <button type="button" className="btn btn-ghost btn-block" onClick={handleLogout} disabled={loggingOut}>
              <Icon name="logout" />
              Log out
            </button>
          </div>
        ) : null}
      </aside>
      {/* Clicking beside the open mobile menu closes it; keyboard users have the Menu button and Escape. */}
      <div className="scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** The shell for the public Status page when nobody is signed in. */
export function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="public-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="public-header">
        <Brand />
        <nav aria-label="Main" className="public-nav">
          <Link to="/status" activeMatch>
            Status
          </Link>
          <Link to="/login" activeMatch>
            Log in
          </Link>
          <Link to="/signup" className="btn btn-primary btn-small">
            Sign up
          </Link>
        </nav>
      </header>
      <main id="main" className="public-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function planName(plan: string | undefined): string {
  if (!plan) return 'Free';
  return plan.slice(0, 1).toUpperCase() + plan.slice(1);
}
