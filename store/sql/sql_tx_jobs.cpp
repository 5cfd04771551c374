// SqlTx: the job queue (insert, claim, fenced transitions, leases, wake-up time).
#include "store/sql/sql_tx.h"

#include <algorithm>
#include <utility>
#include <unordered_set>

#include "store/sql/sql_rows.h"

namespace herald::store::sql {

// ---- jobs ----

Result<void> SqlTx::InsertJob(const Job& j) {
  Params params;
  AppendJob(j, params);
  auto inserted = InsertRows("jobs", kJobCols, kJobColCount, 1, params);
  if (!inserted.ok()) return Named(std::move(inserted).error(), "job " + j.id);
  if (*inserted == 0) return base::AlreadyExists("job " + j.id + " already exists");
  jobs_changed_ = true;
  return base::Ok();
}

Result<void> SqlTx::InsertJobs(const std::vector<Job>& jobs) {
  for (size_t start = 0; start < jobs.size(); start += kMaxRowsPerInsert) {
    const size_t n = std::min(kMaxRowsPerInsert, jobs.size() - start);
    Params params;
    params.reserve(n * kJobColCount);
    for (size_t i = start; i < start + n; ++i) AppendJob(jobs[i], params);
    auto inserted = InsertRows("jobs", kJobCols, kJobColCount, n, params);
    if (!inserted.ok()) return Named(std::move(inserted).error(), "a job");
    if (inserted.value() > 0) jobs_changed_ = true;
    if (*inserted != static_cast<int64_t>(n)) {
      return base::AlreadyExists("one of the jobs already exists");
    }
  }
  return base::Ok();
}

Result<Job> SqlTx::GetJob(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows,
                          Exec(Sql({"SELECT ", kJobCols, " FROM jobs WHERE id = ?"}), {Txt(id)}));
  return DecodeOne<Job>(rows, DecodeJob, "job " + std::string(id) + " not found");
}

Result<std::vector<Job>> SqlTx::ListJobsForTarget(std::string_view target_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kJobCols,
                           " FROM jobs WHERE target_id = ? ORDER BY created_at, id"}),
                      {Txt(target_id)}));
  return DecodeAll<Job>(rows, DecodeJob);
}

Result<std::vector<Job>> SqlTx::ClaimJobs(const ClaimRequest& req) {
  if (req.owner.empty()) return base::InvalidArgument("a claim needs a lease owner");
  if (req.limit <= 0) return std::vector<Job>{};
  const int64_t now = base::ToUnixMicros(req.now);
  const int64_t until =
      now + std::chrono::duration_cast<base::Micros>(req.lease_for).count();

  // 1. Candidates: jobs whose lease expired (a crashed claimer's; few, reconciled first), then
  // queued due jobs, earliest first; skipping accounts that hold an unexpired lease. On
  // PostgreSQL the rows are locked and rows locked by a concurrent claimer are skipped. Two
  // statements, not one with OR: each walks its own partial index (jobs_leases, jobs_due) in
  // order and stops at the LIMIT, where the OR made the database sort every due job per claim.
  std::string kinds;
  if (!req.kinds.empty()) {
    // Kind names are constants from the enum, never user text.
    kinds = " AND j.kind IN (";
    for (size_t i = 0; i < req.kinds.size(); ++i) {
      if (i > 0) kinds += ", ";
      kinds += Quote(JobKindName(req.kinds[i]));
    }
    kinds += ")";
  }
  // Room for several jobs of one account in the window: only the first of each is claimed.
  const int64_t window = static_cast<int64_t>(req.limit) * 4 + 16;
  auto candidates_where = [&](std::string_view due, std::string_view order) {
    std::string sql = Sql({"SELECT j.id, j.account_id FROM jobs j WHERE ", due, kinds,
                           " AND NOT EXISTS (SELECT 1 FROM jobs l WHERE l.account_id = "
                           "j.account_id AND l.account_id <> '' AND l.state = 'leased' AND "
                           "l.lease_until > ?) ORDER BY ",
                           order, " LIMIT ?"});
    if (!dialect_.claim_lock_clause.empty()) {
      sql += " ";
      sql += dialect_.claim_lock_clause;
    }
    return Exec(sql, {Int(now), Int(now), Int(window)});
  };
  HERALD_ASSIGN_OR_RETURN(
      Rows expired,
      candidates_where("j.state = 'leased' AND j.lease_until <= ?", "j.lease_until, j.id"));
  HERALD_ASSIGN_OR_RETURN(
      Rows queued, candidates_where("j.state = 'queued' AND j.run_at <= ?", "j.run_at, j.id"));

  // 2. At most one per account.
  struct Pick {
    std::string id;
    std::string account;
  };
  std::vector<Pick> picks;
  std::unordered_set<std::string> seen;
  for (const Rows* candidates : {&expired, &queued}) {
    for (size_t i = 0; i < candidates->size(); ++i) {
      RowReader reader(*candidates, i);
      Pick p{reader.Text(), reader.Text()};
      if (!reader.ok()) return reader.error();
      if (!p.account.empty() && !seen.insert(p.account).second) continue;
      picks.push_back(std::move(p));
    }
  }

  // 3. Across processes (PostgreSQL): take a transaction-scoped advisory lock per account, then
  // re-check, in a new statement (a fresh snapshot, taken after the lock), that no other claimer
  // committed a lease for it. A concurrent claimer of the same account fails the try-lock.
  if (dialect_.account_advisory_locks && !seen.empty()) {
    std::vector<std::string> accounts(seen.begin(), seen.end());
    Params lock_params{Value::Text(ArrayLiteral(accounts))};
    HERALD_ASSIGN_OR_RETURN(
        Rows locked,
        Exec("SELECT k FROM unnest(?::text[]) AS k "
             "WHERE pg_try_advisory_xact_lock(hashtextextended(k, 0))",
             lock_params));
    std::unordered_set<std::string> usable;
    for (size_t i = 0; i < locked.size(); ++i) {
      RowReader reader(locked, i);
      usable.insert(reader.Text());
    }
    if (!usable.empty()) {
      std::vector<std::string> locked_accounts(usable.begin(), usable.end());
      Params busy_params;
      std::string busy_sql = "SELECT DISTINCT account_id FROM jobs WHERE " +
                             IdSet("account_id", locked_accounts, busy_params) +
                             " AND state = 'leased' AND lease_until > ?";
      busy_params.push_back(Int(now));
      HERALD_ASSIGN_OR_RETURN(Rows busy, Exec(busy_sql, busy_params));
      for (size_t i = 0; i < busy.size(); ++i) {
        RowReader reader(busy, i);
        usable.erase(reader.Text());
      }
    }
    std::erase_if(picks, [&](const Pick& p) {
      return !p.account.empty() && usable.count(p.account) == 0;
    });
  }
  if (picks.size() > static_cast<size_t>(req.limit)) picks.resize(static_cast<size_t>(req.limit));
  if (picks.empty()) return std::vector<Job>{};

  // 4. Lease them.
  std::vector<std::string> ids;
  ids.reserve(picks.size());
  for (auto& p : picks) ids.push_back(std::move(p.id));
  Params update_params{Txt(req.owner), Int(until), Int(now)};
  std::string update =
      "UPDATE jobs SET state = 'leased', lease_owner = ?, lease_until = ?, "
      "attempts = attempts + 1, updated_at = ? WHERE " +
      IdSet("id", ids, update_params) + Sql({" RETURNING ", kJobCols});
  HERALD_ASSIGN_OR_RETURN(Rows leased, Exec(update, update_params));
  HERALD_ASSIGN_OR_RETURN(std::vector<Job> jobs, DecodeAll<Job>(leased, DecodeJob));
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    return a.run_at != b.run_at ? a.run_at < b.run_at : a.id < b.id;
  });
  return jobs;
}

Result<void> SqlTx::FencedJobUpdate(std::string_view sql, Params params) {
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  if (rows.affected() == 0) return base::Aborted("lease lost");
  return base::Ok();
}

Result<void> SqlTx::CompleteJob(std::string_view id, std::string_view owner, Time now) {
  return FencedJobUpdate(
      "UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = ? "
      "WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Tm(now), Txt(id), Txt(owner)});
}

Result<void> SqlTx::RescheduleJob(std::string_view id, std::string_view owner, Time run_at,
                                  std::string_view error, Time now) {
  HERALD_RETURN_IF_ERROR(FencedJobUpdate(
      "UPDATE jobs SET state = 'queued', run_at = ?, last_error = ?, lease_owner = '', "
      "lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Tm(run_at), Txt(error), Tm(now), Txt(id), Txt(owner)}));
  jobs_changed_ = true;
  return base::Ok();
}

Result<void> SqlTx::FailJob(std::string_view id, std::string_view owner, std::string_view error,
                            Time now) {
  return FencedJobUpdate(
      "UPDATE jobs SET state = 'failed', last_error = ?, lease_until = NULL, updated_at = ? "
      "WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Txt(error), Tm(now), Txt(id), Txt(owner)});
}

Result<void> SqlTx::ExtendLease(std::string_view id, std::string_view owner, Time until) {
  return FencedJobUpdate(
      "UPDATE jobs SET lease_until = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Tm(until), Txt(id), Txt(owner)});
}

Result<bool> SqlTx::JobExists(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec("SELECT state FROM jobs WHERE id = ?", {Txt(id)}));
  return !rows.empty();
}

Result<void> SqlTx::SetJobRunAt(std::string_view id, Time run_at, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE jobs SET run_at = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
                      {Tm(run_at), Tm(now), Txt(id)}));
  if (rows.affected() > 0) {
    jobs_changed_ = true;
    return base::Ok();
  }
  HERALD_ASSIGN_OR_RETURN(bool exists, JobExists(id));
  if (!exists) return base::NotFound("job " + std::string(id) + " not found");
  return base::FailedPrecondition("job " + std::string(id) + " is not queued");
}

Result<int> SqlTx::DeferAccountPublishJobs(std::string_view account_id, Time run_at, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE jobs SET run_at = ?, updated_at = ? WHERE account_id = ? AND "
                      "state = 'queued' AND kind = 'publish' AND run_at < ?",
                      {Tm(run_at), Tm(now), Txt(account_id), Tm(run_at)}));
  if (rows.affected() > 0) jobs_changed_ = true;
  return static_cast<int>(rows.affected());
}

Result<void> SqlTx::CancelJob(std::string_view id, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = 'queued'",
           {Tm(now), Txt(id)}));
  if (rows.affected() > 0) return base::Ok();
  HERALD_ASSIGN_OR_RETURN(Rows state, Exec("SELECT state FROM jobs WHERE id = ?", {Txt(id)}));
  if (state.empty()) return base::NotFound("job " + std::string(id) + " not found");
  RowReader reader(state, 0);
  std::string name = reader.Text();
  if (name == JobStateName(JobState::kCancelled)) return base::Ok();  // idempotent
  return base::FailedPrecondition("job " + std::string(id) + " is " + name +
                                  " and can no longer be cancelled");
}

Result<int> SqlTx::ReclaimExpiredLeases(Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE jobs SET state = 'queued', lease_owner = '', lease_until = NULL, "
           "updated_at = ? WHERE state = 'leased' AND lease_until <= ?",
           {Tm(now), Tm(now)}));
  if (rows.affected() > 0) jobs_changed_ = true;
  return static_cast<int>(rows.affected());
}

Result<std::optional<Time>> SqlTx::NextDueTime() {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("SELECT (SELECT MIN(run_at) FROM jobs WHERE state = 'queued'), "
           "(SELECT MIN(lease_until) FROM jobs WHERE state = 'leased')",
           {}));
  std::optional<Time> out;
  if (rows.empty()) return out;
  RowReader reader(rows, 0);
  std::optional<Time> queued = reader.OptTime();
  std::optional<Time> leased = reader.OptTime();
  if (!reader.ok()) return reader.error();
  if (queued) out = queued;
  if (leased && (!out || *leased < *out)) out = leased;
  return out;
}

}  // namespace herald::store::sql
