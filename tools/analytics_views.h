// JSON views of the analytics answers (best_time_to_post, analytics_report, schedule_post's
// "best" pick), shaped as the tools' output schemas say.
#ifndef HERALD_TOOLS_ANALYTICS_VIEWS_H_
#define HERALD_TOOLS_ANALYTICS_VIEWS_H_

#include "base/json.h"
#include "core/analytics_insights.h"

namespace herald::tools {

// best_time_to_post's result.
base::Json BestTimeView(const core::BestTimeResult& result);

// analytics_report's result; with a chart, chart.data is base64 (PNG) or the SVG text.
base::Json ReportView(const core::ReportResult& result);

// schedule_post's `best_time` member: {account_id, timezone, slot, rank, source, confidence,
// based_on_posts, reason}.
base::Json BestPickView(const core::BestSlotResult& result);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_ANALYTICS_VIEWS_H_
