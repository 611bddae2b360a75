// The provider's own pages: login (custom interactions, no devInteractions), the end-session
// confirmation, the post-logout page and the error page. Plain HTML forms, no JavaScript, so a
// scripted client can drive them.

import { authenticate } from './accounts.mjs';
import { escapeHtml, readForm } from './http-util.mjs';

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}

function loginPage({ uid, clientId, params, error }) {
  return page('Sign in to the interop provider', `
<p>Application: <code id="client-id">${escapeHtml(clientId)}</code>, scope: <code>${escapeHtml(params.scope)}</code></p>
${error ? `<p id="login-error" role="alert">${escapeHtml(error)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label>Username <input type="text" name="username" value="${escapeHtml(params.login_hint)}" autofocus></label>
  <label>Password <input type="password" name="password"></label>
  <button type="submit">Sign in</button>
</form>`);
}

// Grants whatever the consent prompt found missing: first-party apps are never asked.
async function grantMissing(provider, interaction) {
  const { prompt: { details }, params, session, grantId } = interaction;
  const grant = (grantId && await provider.Grant.find(grantId))
    || new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

async function finish(ctx, provider, result) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

// Koa middleware for GET /interaction/:uid and POST /interaction/:uid/login.
export function interactionRoutes(provider) {
  return async function interactions(ctx, next) {
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    const [, uid, login] = match;
    ctx.set('cache-control', 'no-store');
    ctx.type = 'html';

    let interaction;
    try {
      interaction = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      ctx.status = 400;
      ctx.body = page('Sign-in failed', `<p id="error">${escapeHtml(err.error_description ?? err.message)}</p>`);
      return undefined;
    }
    if (interaction.uid !== uid) {
      ctx.status = 400;
      ctx.body = page('Sign-in failed', '<p id="error">this sign-in page belongs to another request</p>');
      return undefined;
    }

    if (interaction.prompt.name === 'consent') {
      const grantId = await grantMissing(provider, interaction);
      return finish(ctx, provider, { consent: { grantId } });
    }

    const clientId = interaction.params.client_id;
    if (!login && ctx.method === 'GET') {
      ctx.body = loginPage({ uid, clientId, params: interaction.params });
      return undefined;
    }
    if (login && ctx.method === 'POST') {
      const { username, password } = await readForm(ctx.req);
      const user = authenticate(username, password);
      if (!user) {
        ctx.status = 200;
        ctx.body = loginPage({ uid, clientId, params: interaction.params, error: 'Invalid username or password.' });
        return undefined;
      }
      return finish(ctx, provider, { login: { accountId: user.sub } });
    }
    ctx.status = 405;
    ctx.body = page('Method not allowed', '');
    return undefined;
  };
}

// features.rpInitiatedLogout.logoutSource: `form` is oidc-provider's hidden form (id op.logoutForm,
// with its xsrf input); the buttons submit it, "yes" ends the session everywhere.
export async function logoutSource(ctx, form) {
  ctx.type = 'html';
  ctx.body = page('Sign out of the interop provider?', `
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
}

export async function postLogoutSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<p id="signed-out">You are signed out.</p>');
}

export async function renderError(ctx, out) {
  ctx.state.oidcError = out.error; // for the request log
  ctx.type = 'html';
  ctx.body = page('Error', `<p id="error">${escapeHtml(out.error)}</p><p id="error-description">${escapeHtml(out.error_description)}</p>`);
}
