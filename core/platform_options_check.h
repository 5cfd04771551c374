// CheckPlatformOptions: a post's `platform_options` held against the networks it goes to.
//
// Every key must name the network of one of the post's accounts, that network must take options
// (PlatformInfo::options_schema), and the value must match the schema. What a schema cannot say
// (a story needs media) is each adapter's Validate, which sees the value as Content::options.
// Pure; thread-safe.
#ifndef HERALD_CORE_PLATFORM_OPTIONS_CHECK_H_
#define HERALD_CORE_PLATFORM_OPTIONS_CHECK_H_

#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "platforms/platform.h"

namespace herald::core {

// `platforms`: the networks of the post's accounts (duplicates allowed). kInvalidArgument naming
// the field ("platform_options.tiktok.privacy_level: ...") and what was expected; every problem
// of the first offending network is listed.
base::Result<void> CheckPlatformOptions(
    const std::map<std::string, base::Json, std::less<>>& options,
    const std::vector<const platforms::Platform*>& platforms);

}  // namespace herald::core

#endif  // HERALD_CORE_PLATFORM_OPTIONS_CHECK_H_
