#include "mcp/server/herald_server.h"

#include "mcp/server/analytics_prompts.h"
#include "mcp/apps/ui_apps.h"
#include "tools/resource_reads.h"

namespace herald::mcp {
namespace {

Json JsonContents(const std::string& uri, const Json& value) {
  return Json::array(
      {{{"uri", uri}, {"mimeType", "application/json"}, {"text", base::DumpJson(value)}}});
}

std::string Get(const std::map<std::string, std::string>& args, const std::string& key,
                std::string fallback = {}) {
  auto it = args.find(key);
  return (it == args.end() || it->second.empty()) ? std::move(fallback) : it->second;
}

Json UserMessage(std::string text) {
  return Json{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}};
}

Result<Json> PlanWeek(const std::map<std::string, std::string>& args) {
  std::string goals = Get(args, "goals");
  std::string accounts = Get(args, "accounts", "every connected account that fits the goals");
  std::string start = Get(args, "week_start", "the next Monday");
  std::string zone = Get(args, "time_zone");
  std::string per_day = Get(args, "posts_per_day", "1");
  std::string text =
      "Plan one week of social media posts with herald.\n\n"
      "Goals: " +
      goals +
      "\n"
      "Accounts: " +
      accounts +
      "\n"
      "Week starting: " +
      start +
      "\n"
      "Posts per day per account: about " +
      per_day +
      "\n"
      "Time zone: " +
      (zone.empty() ? "ask me before scheduling anything" : zone) +
      "\n\n"
      "Work in this order:\n"
      "1. Call list_accounts to see which accounts are connected and active. If an account I "
      "named is missing or needs re-authorization, tell me and offer connect_account instead "
      "of planning for it.\n"
      "2. Draft the week as a table: day, local time, account(s), post text, media (if any), "
      "and the goal it serves. Vary formats (question, tip, behind the scenes, announcement), "
      "avoid repeating the same text on every network, and respect each network's style and "
      "length (Bluesky 300 characters, Mastodon usually 500, Telegram/Discord/Slack longer).\n"
      "3. Check every draft with validate_post for its accounts and fix what it reports.\n"
      "4. Show me the plan and wait for my approval or edits. Do not schedule before I agree.\n"
      "5. After approval, call schedule_post once per post with publish_at as a local time "
      "(\"2026-03-02T09:00:00\") plus time_zone, or RFC 3339 with an offset, and an "
      "idempotency_key such as \"week-" +
      start +
      "-<n>\" so a retry cannot post twice.\n"
      "6. Finish with a summary listing each post id (post_...), when it goes out and where; "
      "I can check any of them later with get_post.";
  return Json::array({UserMessage(std::move(text))});
}

Result<Json> RepurposeArticle(const std::map<std::string, std::string>& args) {
  std::string article = Get(args, "article");
  std::string platforms = Get(args, "platforms", "every connected account");
  std::string tone = Get(args, "tone", "the article's own tone");
  std::string cta = Get(args, "call_to_action");
  std::string text =
      "Turn the article below into platform-specific social media posts with herald.\n\n"
      "Platforms: " +
      platforms +
      "\n"
      "Tone: " +
      tone + "\n" + (cta.empty() ? std::string() : "Call to action: " + cta + "\n") +
      "\nWork in this order:\n"
      "1. Call list_accounts and keep only connected, active accounts on the requested "
      "platforms; tell me about any that need connect_account.\n"
      "2. Pull out the two or three ideas worth sharing (a key finding, a quote, a practical "
      "tip) and write one post per account in that network's voice:\n"
      "   - Bluesky: at most 300 characters, one idea, the link at the end.\n"
      "   - Mastodon: up to 500 characters, plain and friendly, CamelCase hashtags at the end.\n"
      "   - Telegram, Discord, Slack: a few short paragraphs or bullets; a summary plus the "
      "link.\n"
      "   - Where one post is not enough, use a short thread instead of cramming.\n"
      "   Never invent facts, numbers or quotes that are not in the article.\n"
      "3. Run validate_post on every post for its account and fix what it reports.\n"
      "4. Show me all drafts side by side and ask whether to publish now, schedule them "
      "(suggest times), or keep them as drafts.\n"
      "5. When I confirm, call schedule_post for each, with an idempotency_key per post, and "
      "report the post ids.\n\n"
      "Article:\n" +
      article;
  return Json::array({UserMessage(std::move(text))});
}

}  // namespace

HeraldResourceProviders ProvidersFromServices(const tools::ToolDeps& deps) {
  HeraldResourceProviders providers;
  if (core::AccountService* accounts = deps.accounts) {
    providers.accounts = [accounts](base::Caller caller) {
      return tools::ReadAccounts(*accounts, std::move(caller));
    };
  }
  if (core::PostService* posts = deps.posts) {
    providers.post = [posts](base::Caller caller, std::string post_id) {
      return tools::ReadPost(*posts, std::move(caller), std::move(post_id));
    };
  }
  if (core::AnalyticsService* analytics = deps.analytics) {
    providers.analytics = [analytics](base::Caller caller, std::string account_id) {
      return tools::ReadAccountAnalytics(*analytics, std::move(caller), std::move(account_id));
    };
  }
  return providers;
}

base::Result<void> RegisterHeraldResources(ResourceRegistry& resources,
                                           HeraldResourceProviders providers) {
  if (providers.accounts) {
    HERALD_RETURN_IF_ERROR(resources.Add(
        {"herald://accounts", "accounts", "Connected accounts",
         "The social media accounts connected to your organization: id (acc_...), network, "
         "handle and status. Use the ids as accounts in schedule_post.",
         "application/json"},
        [accounts = providers.accounts](std::string uri,
                                        base::Caller caller) -> base::Task<Result<Json>> {
          auto list = co_await accounts(std::move(caller));
          if (!list.ok()) co_return std::move(list).error();
          co_return JsonContents(uri, *list);
        }));
  }
  if (providers.post) {
    HERALD_RETURN_IF_ERROR(resources.AddTemplate(
        {"herald://posts/{id}", "post", "Post",
         "A post by id (post_...): its content, schedule and the status of each target "
         "account (queued, publishing, published with URL, failed with reason).",
         "application/json"},
        [post = providers.post](std::string uri, std::map<std::string, std::string> vars,
                                base::Caller caller) -> base::Task<Result<Json>> {
          auto value = co_await post(std::move(caller), vars["id"]);
          if (!value.ok()) co_return std::move(value).error();
          co_return JsonContents(uri, *value);
        }));
  }
  if (providers.analytics) {
    HERALD_RETURN_IF_ERROR(resources.AddTemplate(
        {"herald://analytics/{account_id}", "analytics", "Account analytics",
         "An account's analytics (acc_...): its latest follower count and, for each of the last "
         "30 days, followers, posts published and the engagement they gathered "
         "(get_account_analytics).",
         "application/json"},
        [analytics = providers.analytics](std::string uri, std::map<std::string, std::string> vars,
                                          base::Caller caller) -> base::Task<Result<Json>> {
          auto value = co_await analytics(std::move(caller), vars["account_id"]);
          if (!value.ok()) co_return std::move(value).error();
          co_return JsonContents(uri, *value);
        }));
  }
  return base::Ok();
}

base::Result<void> RegisterHeraldPrompts(PromptRegistry& prompts) {
  HERALD_RETURN_IF_ERROR(prompts.Add(
      {"plan_week",
       "Plan a week of posts",
       "Plan a week of posts for given accounts and goals, check them with validate_post, and "
       "schedule them with schedule_post after you approve.",
       {{"goals", "Goals", "What the week should achieve, e.g. 'launch of v2, grow newsletter'",
         true},
        {"accounts", "Accounts", "Account ids or handles to post to (default: all connected)",
         false},
        {"week_start", "Week start", "First day of the week, e.g. 2026-03-02", false},
        {"time_zone", "Time zone", "IANA time zone for posting times, e.g. Europe/Paris", false},
        {"posts_per_day", "Posts per day", "Roughly how many posts per day and account", false}}},
      PlanWeek, [](std::string_view name, std::string_view value, const Json&) {
        std::vector<std::string> out;
        if (name == "posts_per_day") {
          for (const char* v : {"1", "2", "3"}) {
            if (std::string_view(v).rfind(value, 0) == 0) out.emplace_back(v);
          }
        }
        return out;
      }));
  HERALD_RETURN_IF_ERROR(prompts.Add(
      {"repurpose_article",
       "Repurpose an article",
       "Turn an article (text or URL) into platform-specific posts for your connected accounts.",
       {{"article", "Article", "The article text, or its URL", true},
        {"platforms", "Platforms", "Networks or account ids to write for (default: all)", false},
        {"tone", "Tone", "e.g. friendly, expert, playful", false},
        {"call_to_action", "Call to action", "What readers should do, e.g. 'read the post'",
         false}}},
      RepurposeArticle, [](std::string_view name, std::string_view value, const Json&) {
        std::vector<std::string> out;
        if (name == "tone") {
          for (const char* v : {"expert", "friendly", "playful", "formal"}) {
            if (std::string_view(v).rfind(value, 0) == 0) out.emplace_back(v);
          }
        }
        return out;
      }));
  HERALD_RETURN_IF_ERROR(RegisterAnalyticsPrompts(prompts));
  return base::Ok();
}

base::Result<std::unique_ptr<Dispatcher>> BuildHeraldDispatcher(const tools::ToolDeps& deps,
                                                                DispatcherOptions options) {
  auto dispatcher = std::make_unique<Dispatcher>(std::move(options));
  if (auto r = dispatcher->tools().RegisterAll(tools::MakeTools(deps)); !r.ok()) {
    return base::InvalidArgument("cannot start: " + r.error().message());
  }
  HERALD_RETURN_IF_ERROR(
      RegisterHeraldResources(dispatcher->resources(), ProvidersFromServices(deps)));
  HERALD_RETURN_IF_ERROR(RegisterHeraldViews(dispatcher->resources()));  // MCP Apps
  HERALD_RETURN_IF_ERROR(RegisterHeraldPrompts(dispatcher->prompts()));
  return dispatcher;
}

}  // namespace herald::mcp
