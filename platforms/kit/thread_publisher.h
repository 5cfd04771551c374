// ThreadPublisher: the one loop that publishes the parts of a Content in order, for every
// network.
//
// It resumes from PublishRequest::remote_state: the entries already recorded there (one per
// part, in order; a prefix of usable entries, at most one per part) are parts already on the
// network, skipped and handed to the network's PostPartFn so the next part can reply to them.
// For each remaining part it calls the PostPartFn, appends the entry it returns, and records
// progress with save_remote_state after every part but the last (the receipt carries the final
// state). A failing part ends the attempt with the part's error, prefixed "thread part i of n"
// in a thread (InPart).
//
// ONE rule when recording progress fails: the part just posted exists on the network but herald
// could not record it, so the attempt ends kUnknown ("thread part i of n was published on
// <Network>, but herald could not record it ...", the store's error in the detail). The core
// then reconciles before sending again, instead of trusting a retry not to post the part twice.
//
// Where the entries live in remote_state is the network's choice (Layout): an array under a key
// ("parts" by default), each entry whatever the network needs to reply to and delete the part
// ({"id", "url"} on Mastodon, a message id string on Discord). Stateless; thread-safe.
#ifndef HERALD_PLATFORMS_KIT_THREAD_PUBLISHER_H_
#define HERALD_PLATFORMS_KIT_THREAD_PUBLISHER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/json.h"
#include "base/result.h"
#include "platforms/platform.h"

namespace herald::platforms {

// What one call of PostPartFn sees.
struct PartContext {
  size_t index = 0;  // of the part in Content::parts
  size_t count = 0;  // parts in the Content
  // The entries of the parts before this one, in order (done.back() is the previous part:
  // reply to it; done.front() is the thread's root).
  const Json* done = nullptr;
  // The whole remote_state as it stands (the entries included). A network that must record
  // something before sending (Slack's "pending" marker) changes it and calls Save.
  Json* state = nullptr;
  // Records `*state` now (save_remote_state; Ok when the request has none).
  std::function<Result<void>()> Save;
};

// Posts the part `ctx.index` of `content` and returns its entry (never null).
using PostPartFn = std::function<Task<Result<Json>>(const PostPart& part, PartContext& ctx)>;

// Where a network keeps its part entries in remote_state.
struct ThreadLayout {
  std::string key = "parts";  // remote_state[key] is the array of entries
  // Whether a recorded entry is usable (resume stops at the first that is not). Default: any
  // entry that is not null.
  std::function<bool(const Json& entry)> usable;
};

class ThreadPublisher {
 public:
  using Layout = ThreadLayout;

  // `network` names the network in messages ("Telegram").
  explicit ThreadPublisher(std::string network, Layout layout = {});

  // The layout most networks use: "parts" entries {"id", "url"}, usable once they have an id.
  static Layout IdUrlLayout();
  // The receipt of a final state whose entries are {"id", "url"} (IdUrlLayout): the first
  // part's id and url, and the state itself. REQUIRES: at least one entry.
  PublishReceipt IdUrlReceipt(Json state) const;
  // The "id" of every usable entry of `receipt.remote_state`, first part first; the receipt's
  // external_id alone when none is recorded.
  std::vector<std::string> PartIds(const PublishReceipt& receipt) const;

  // The usable recorded entries of `remote_state`, at most `max_parts`.
  Json DoneEntries(const Json& remote_state, size_t max_parts) const;

  // Publishes every part of `request.content` not yet recorded, starting from `initial_state`
  // (remote_state plus anything the network adds, e.g. the chat id). Returns the final state:
  // `initial_state` with the entry array holding one entry per part. Errors: kInvalidArgument
  // for an empty Content; the PostPartFn's error (InPart); kUnknown when recording failed.
  Task<Result<Json>> Publish(const PublishRequest& request, Json initial_state,
                             PostPartFn post) const;

  // The verdict of a lookup (Platform::Find) that found `parts`, the first entries of the
  // thread, on the network, `recorded` of them already in remote_state: with every part found,
  // `state` with the entries in place (for the receipt); with some missing, nullopt, after
  // recording the newly found ones so the next attempt replies to them. Errors: the
  // LookupFailedError of a failed recording (never a verdict).
  Result<std::optional<Json>> FoundParts(const PublishRequest& request, Json state, Json parts,
                                         size_t recorded) const;

 private:
  std::string network_;
  Layout layout_;
};

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_THREAD_PUBLISHER_H_
