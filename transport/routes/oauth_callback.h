// GET /oauth/callback/{platform}: where a network sends the user's browser back after an OAuth
// sign-in started by connect_account. Public on purpose: a browser has no API key; the random,
// single-use, short-lived `state` authenticates the request (core::AccountService checks it).
// Answers a small HTML page saying what happened (connected @handle, and every other account
// the sign-in yielded by name / the link expired or was already used / the network's error).
// Once the accounts are stored, the MCP session whose connect_account asked for the sign-in
// hears notifications/elicitation/complete (core::AccountService::WatchSignIn). The page never contains a token, and is sent with
// no-store, no-referrer (the URL carries the code) and a CSP that allows nothing but its style.
#ifndef HERALD_TRANSPORT_ROUTES_OAUTH_CALLBACK_H_
#define HERALD_TRANSPORT_ROUTES_OAUTH_CALLBACK_H_

#include "core/account_service.h"
#include "http/http_message.h"
#include "http/http_server.h"

namespace herald::transport {

inline constexpr std::string_view kOAuthCallbackPattern = "/oauth/callback/{platform}";

// Adds the route to `server` (before it starts). `accounts` outlives the server.
void AddOAuthCallbackRoute(http::HttpServer& server, core::AccountService& accounts);

// The page for `result`: 200 when connected or refused by the user at the network, 400 for an
// unusable state, 502 when finishing with the network failed.
http::Response OAuthCallbackPage(const core::OAuthCallbackResult& result);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_ROUTES_OAUTH_CALLBACK_H_
