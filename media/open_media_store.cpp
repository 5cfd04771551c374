#include "media/open_media_store.h"

#include <utility>

#include "media/local_media_store.h"

namespace herald::media {

Result<std::unique_ptr<MediaStore>> OpenMediaStore(const MediaStoreConfig& config,
                                                   const base::Clock& clock,
                                                   base::asio::thread_pool* blocking) {
  const S3Options& s3 = config.s3;
  if (s3.endpoint.empty()) {
    for (const auto& [value, variable] :
         {std::pair<const std::string&, const char*>{s3.bucket, "HERALD_S3_BUCKET"},
          {s3.access_key_id, "HERALD_S3_ACCESS_KEY_ID"},
          {s3.secret_access_key, "HERALD_S3_SECRET_ACCESS_KEY"}}) {
      if (!value.empty()) {
        return base::FailedPrecondition(std::string(variable) +
                                        " is set but HERALD_S3_ENDPOINT is not: set it to use S3 "
                                        "media storage, or unset the HERALD_S3_* variables to "
                                        "keep media in the data directory");
      }
    }
    std::string data_dir = config.data_dir.empty() ? "." : config.data_dir;
    return std::unique_ptr<MediaStore>(
        std::make_unique<LocalMediaStore>(data_dir + "/media", blocking));
  }
  platforms::http::HttpsClientOptions https = config.https;
  https.allow_private_networks = true;  // the operator's own endpoint (see the header)
  HERALD_ASSIGN_OR_RETURN(std::unique_ptr<platforms::http::HttpsClient> http,
                          platforms::http::HttpsClient::Create(std::move(https)));
  HERALD_ASSIGN_OR_RETURN(std::unique_ptr<S3MediaStore> store,
                          S3MediaStore::Create(s3, std::move(http), clock, blocking));
  return std::unique_ptr<MediaStore>(std::move(store));
}

}  // namespace herald::media
