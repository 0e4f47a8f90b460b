/* bench-search.c — how fast the counter finds a case among a million
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-search [--db PATH] [--cases N] [--applicants N] [--queries N]
 *                     [--add-demo-officials]
 *
 * Builds (once; reused when present and complete) a store with realistic
 * data: Chinese names drawn by surname and character frequency, resident
 * IDs with valid check digits, mobile numbers, case numbers of twelve
 * counters over two years. Then times hall_store_search_cases for each kind
 * of query, warm and cold, and the case list's start-up, and prints a
 * markdown table.
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hall-case-list-model.h"
#include "hall-case-list-model-test-hooks.h"
#include "hall-sqlite.h"
#include "hall-store.h"
#include "hall-store-migrations.h"

#define SEARCH_LIMIT 50

static const char *const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
  "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
  "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
  "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
  "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
  "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤", "欧阳", "司马", "上官", "马",
};

static const char *const given[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
  "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "飞", "宇",
  "浩", "博", "文", "辉", "建", "国", "志", "海", "燕", "玲", "丹", "亮", "斌", "波", "宁",
  "晨", "欣", "怡", "佳", "琳", "雪", "婷", "晶", "颖", "慧", "莉", "梅", "兰", "凤", "云",
  "春", "雨", "阳", "林", "峰", "健", "成", "龙", "俊", "杨", "帆", "凯", "鑫", "旭", "晓",
  "天", "思", "嘉", "子", "梓", "涵", "轩", "睿", "雅", "诗", "悦", "然", "泽", "航", "宏",
  "德", "福", "祥", "瑞", "安", "康", "永", "庆", "忠", "贵", "荣", "才", "彬", "坤", "晖",
  "昊", "哲", "铭", "毅", "翔", "鸿", "锋", "琪", "璐", "蕾", "薇", "倩", "妍", "瑶", "菲",
  "彤", "欢", "馨", "露", "洁", "清", "新", "元", "光", "学", "金", "山", "生", "胜", "利",
};

/* Ningxia mostly, as in a Yinchuan hall, and some from elsewhere. */
static const char *const regions[] = {
  "640104", "640104", "640104", "640105", "640105", "640106", "640106", "640121",
  "640122", "640181", "640202", "640302", "640402", "640502", "110105", "130104",
  "150102", "310115", "410105", "510107", "620102", "630102", "650102", "440106",
};

static const char *const mobile_prefixes[] = {
  "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
  "152", "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "178",
  "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "199",
};

static const char *const services[][2] = {
  { "company_business_license", "企业营业执照" },
  { "individual_business_license", "个体工商户营业执照" },
  { "food_business_license", "食品经营许可证" },
  { "company_change_registration", "企业变更登记" },
  { "residence_permit", "居住证" },
  { "social_security_card", "社会保障卡" },
};

/* Zipf-like weights: the first entries of each table are the most common. */
static guint
pick_zipf (GRand *rand,
           guint  n)
{
  /* Inverse of a power-law CDF, exponent ~0.8, good enough for names. */
  double u = g_rand_double (rand);
  guint i = (guint) floor (pow (u, 2.2) * n);

  return MIN (i, n - 1);
}

static char *
make_name (GRand *rand)
{
  const char *surname = surnames[pick_zipf (rand, G_N_ELEMENTS (surnames))];
  const char *first = given[pick_zipf (rand, G_N_ELEMENTS (given))];

  if (g_rand_int_range (rand, 0, 100) < 35)
    return g_strconcat (surname, first, NULL);
  return g_strconcat (surname, first, given[pick_zipf (rand, G_N_ELEMENTS (given))], NULL);
}

static char *
make_resident_id (GRand *rand)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "%s%04d%02d%02d%03d",
              regions[g_rand_int_range (rand, 0, G_N_ELEMENTS (regions))],
              g_rand_int_range (rand, 1940, 2008), g_rand_int_range (rand, 1, 13),
              g_rand_int_range (rand, 1, 29), g_rand_int_range (rand, 0, 1000));
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static char *
make_phone (GRand *rand)
{
  return g_strdup_printf ("%s%08d",
                          mobile_prefixes[g_rand_int_range (rand, 0, G_N_ELEMENTS (mobile_prefixes))],
                          g_rand_int_range (rand, 0, 100000000));
}

static void
check (sqlite3 *db,
       int      rc,
       int      expected)
{
  if (rc != expected)
    g_error ("SQLite: %s", sqlite3_errmsg (db));
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  check (db, sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK);
  return stmt;
}

static void
run (sqlite3      *db,
     sqlite3_stmt *stmt)
{
  check (db, sqlite3_step (stmt), SQLITE_DONE);
  sqlite3_reset (stmt);
}

static char *
fixture_stamp (guint n_cases,
               guint n_applicants)
{
  return g_strdup_printf ("%u cases, %u applicants, v1", n_cases, n_applicants);
}

/* Runs in a child process, so its memory does not count in the RSS the
 * parent reports. */
static void
build_fixture (const char *path,
               guint       n_cases,
               guint       n_applicants)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261127);
  g_autofree char *stamp = fixture_stamp (n_cases, n_applicants);
  sqlite3_stmt *app, *bigrams, *trigrams, *kase, *meta;
  const guint n_counters = 12;
  g_autofree guint *seqs = g_new0 (guint, n_counters * 2);
  /* 2025-01-01 to 2026-11-27, in Yinchuan's time (UTC+8). */
  const gint64 start = 1735689600 - 8 * 3600;
  const gint64 new_year = 1767225600 - 8 * 3600;
  const gint64 span = 1795737600 - 8 * 3600 - start;
  gint64 t0 = g_get_monotonic_time ();

  {
    g_autoptr (HallStore) store = hall_store_open (path, "YC", "C01", &error);

    if (store == NULL)
      g_error ("%s", error->message);
  }

  check (NULL, sqlite3_open (path, &db), SQLITE_OK);
  g_assert_true (hall_store_register_functions (db, NULL));
  /* For the fixture only: a crash while building it means building again. */
  check (db, sqlite3_exec (db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -524288;"
                               " PRAGMA temp_store = MEMORY; BEGIN",
                           NULL, NULL, NULL),
         SQLITE_OK);
  check (db, sqlite3_exec (db,
                           "DELETE FROM case_events; DELETE FROM outbox; DELETE FROM cases;"
                           " DELETE FROM applicant_bigrams; DELETE FROM applicant_trigrams;"
                           " DELETE FROM applicants; DELETE FROM case_sequences;"
                           " DELETE FROM meta WHERE key = 'bench_fixture'",
                           NULL, NULL, NULL),
         SQLITE_OK);

  app = prepare (db, "INSERT INTO applicants (id, uuid, kind, name, id_type, id_number, phone,"
                     " version, created_at, updated_at, sync_state)"
                     " VALUES (?1, ?2, 'person', ?3, 'resident_id', ?4, ?5, 1, ?6, ?6, 'synced')");
  bigrams = prepare (db, "INSERT INTO applicant_bigrams (rowid, bigrams)"
                         " VALUES (?1, hall_name_bigrams (?2))");
  trigrams = prepare (db, "INSERT INTO applicant_trigrams (rowid, name, phone, id_number)"
                          " VALUES (?1, ?2, ?3, ?4)");
  kase = prepare (db, "INSERT INTO cases (uuid, number, seq, service_id, service_name,"
                      " applicant_id, state, created_at, promised_at, updated_at, counter,"
                      " official, checklist, version, sync_state)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?10, 'wang.fang',"
                      " '[{\"id\":\"id_card\",\"provided\":true}]', 1, 'synced')");

  for (guint i = 1; i <= n_applicants; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *name = make_name (rand);
      g_autofree char *id = make_resident_id (rand);
      g_autofree char *phone = make_phone (rand);

      sqlite3_bind_int64 (app, 1, i);
      sqlite3_bind_text (app, 2, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 3, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 4, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 5, phone, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (app, 6, start);
      run (db, app);
      sqlite3_bind_int64 (bigrams, 1, i);
      sqlite3_bind_text (bigrams, 2, name, -1, SQLITE_STATIC);
      run (db, bigrams);
      sqlite3_bind_int64 (trigrams, 1, i);
      sqlite3_bind_text (trigrams, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (trigrams, 3, phone, -1, SQLITE_STATIC);
      sqlite3_bind_text (trigrams, 4, id, -1, SQLITE_STATIC);
      run (db, trigrams);
    }
  g_printerr ("  %u applicants in %.1f s\n", n_applicants,
              (g_get_monotonic_time () - t0) / 1e6);

  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *number = NULL;
      g_autofree char *counter = NULL;
      gint64 at = start + (span * i) / n_cases;
      guint year_index = at >= new_year ? 1 : 0;
      guint c = g_rand_int_range (rand, 0, n_counters);
      guint seq = ++seqs[c * 2 + year_index];
      guint s = g_rand_int_range (rand, 0, G_N_ELEMENTS (services));
      /* Each applicant's first visit, then returning ones. */
      gint64 applicant = i < n_applicants ? (gint64) ((i * 7ULL + 3) % n_applicants) + 1
                                          : g_rand_int_range (rand, 1, n_applicants + 1);

      counter = g_strdup_printf ("C%02u", c + 1);
      number = g_strdup_printf ("YC-%u-%s-%06u", 2025 + year_index, counter, seq);
      sqlite3_bind_text (kase, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (kase, 2, number, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (kase, 3, seq);
      sqlite3_bind_text (kase, 4, services[s][0], -1, SQLITE_STATIC);
      sqlite3_bind_text (kase, 5, services[s][1], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (kase, 6, applicant);
      sqlite3_bind_text (kase, 7, at > start + span - 86400 * 7 ? "received" : "completed", -1,
                         SQLITE_STATIC);
      sqlite3_bind_int64 (kase, 8, at);
      sqlite3_bind_int64 (kase, 9, at + 240 * 60);
      sqlite3_bind_text (kase, 10, counter, -1, SQLITE_STATIC);
      run (db, kase);
    }
  g_printerr ("  %u cases in %.1f s\n", n_cases, (g_get_monotonic_time () - t0) / 1e6);

  {
    g_autoptr (sqlite3_stmt) seq_stmt = prepare (db, "INSERT INTO case_sequences VALUES (?1, ?2, ?3)");

    for (guint c = 0; c < n_counters; c++)
      for (guint y = 0; y < 2; y++)
        {
          g_autofree char *counter = g_strdup_printf ("C%02u", c + 1);

          sqlite3_bind_text (seq_stmt, 1, counter, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (seq_stmt, 2, 2025 + y);
          sqlite3_bind_int64 (seq_stmt, 3, seqs[c * 2 + y]);
          run (db, seq_stmt);
        }
  }

  meta = prepare (db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('bench_fixture', ?1)");
  sqlite3_bind_text (meta, 1, stamp, -1, SQLITE_STATIC);
  run (db, meta);
  sqlite3_finalize (app);
  sqlite3_finalize (bigrams);
  sqlite3_finalize (trigrams);
  sqlite3_finalize (kase);
  sqlite3_finalize (meta);
  check (db, sqlite3_exec (db, "COMMIT; PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE)",
                           NULL, NULL, NULL),
         SQLITE_OK);
  check (db, sqlite3_exec (db, "INSERT INTO applicant_trigrams (applicant_trigrams)"
                               " VALUES ('optimize');"
                               "INSERT INTO applicant_bigrams (applicant_bigrams)"
                               " VALUES ('optimize');"
                               "PRAGMA wal_checkpoint(TRUNCATE)",
                           NULL, NULL, NULL),
         SQLITE_OK);
  g_printerr ("  done in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);
}

static gboolean
fixture_complete (const char *path,
                  guint       n_cases,
                  guint       n_applicants)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *stamp = fixture_stamp (n_cases, n_applicants);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return FALSE;
  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'bench_fixture'", -1, &stmt,
                          NULL) != SQLITE_OK)
    return FALSE;
  return sqlite3_step (stmt) == SQLITE_ROW
         && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), stamp) == 0;
}

/* Queries */

typedef enum
{
  QUERY_FULL_ID,
  QUERY_ID_PREFIX,
  QUERY_ID_REGION,
  QUERY_PHONE_PREFIX,
  QUERY_PHONE_SHORT,
  QUERY_CASE_NUMBER,
  QUERY_CASE_PREFIX,
  QUERY_CASE_YEAR,
  QUERY_CASE_TAIL,
  QUERY_NAME_1,
  QUERY_NAME_2_START,
  QUERY_NAME_2_MIDDLE,
  QUERY_SUBSTRING_3,
  N_QUERY_KINDS
} QueryKind;

static const char *const query_labels[] = {
  "full resident ID (18)",
  "ID prefix, region + birth year (10 digits)",
  "ID prefix, region only (6 digits, broad)",
  "phone prefix (7 digits)",
  "phone prefix (4 digits, broad)",
  "case number, whole",
  "case number prefix (YC-2026-C03-00)",
  "case number prefix, year only (YC-2026, broad)",
  "case number tail (000123)",
  "name, 1 character (surname, broad)",
  "name, 2 characters at the start",
  "name, 2 characters in the middle",
  "3+ characters anywhere (whole name)",
};

static gboolean
utf8_prefix_chars (const char *text,
                   glong       offset,
                   glong       n,
                   char      **out)
{
  glong len = g_utf8_strlen (text, -1);
  const char *a, *b;

  if (offset + n > len)
    return FALSE;
  a = g_utf8_offset_to_pointer (text, offset);
  b = g_utf8_offset_to_pointer (a, n);
  *out = g_strndup (a, b - a);
  return TRUE;
}

/* Real values drawn from the data, so each query finds something. */
static GPtrArray *
make_queries (const char *path,
              QueryKind   kind,
              guint       n,
              guint       n_cases,
              guint       n_applicants,
              GRand      *rand)
{
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) app = NULL;
  g_autoptr (sqlite3_stmt) kase = NULL;

  check (NULL, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  app = prepare (db, "SELECT name, id_number, phone FROM applicants WHERE id = ?1");
  kase = prepare (db, "SELECT number FROM cases WHERE id = ?1");

  while (queries->len < n)
    {
      const char *name, *id, *phone, *number;
      char *query = NULL;

      sqlite3_bind_int64 (app, 1, g_rand_int_range (rand, 1, n_applicants + 1));
      sqlite3_bind_int64 (kase, 1, g_rand_int_range (rand, 1, n_cases + 1));
      check (db, sqlite3_step (app), SQLITE_ROW);
      check (db, sqlite3_step (kase), SQLITE_ROW);
      name = (const char *) sqlite3_column_text (app, 0);
      id = (const char *) sqlite3_column_text (app, 1);
      phone = (const char *) sqlite3_column_text (app, 2);
      number = (const char *) sqlite3_column_text (kase, 0);

      switch (kind)
        {
        case QUERY_FULL_ID:
          query = g_strdup (id);
          break;
        case QUERY_ID_PREFIX:
          query = g_strndup (id, 10);
          break;
        case QUERY_ID_REGION:
          query = g_strndup (id, 6);
          break;
        case QUERY_PHONE_PREFIX:
          query = g_strndup (phone, 7);
          break;
        case QUERY_PHONE_SHORT:
          query = g_strndup (phone, 4);
          break;
        case QUERY_CASE_NUMBER:
          query = g_strdup (number);
          break;
        case QUERY_CASE_PREFIX:
          query = g_strndup (number, 14);
          break;
        case QUERY_CASE_YEAR:
          query = g_strndup (number, 7);
          break;
        case QUERY_CASE_TAIL:
          query = g_strdup (strrchr (number, '-') + 1);
          break;
        case QUERY_NAME_1:
          utf8_prefix_chars (name, 0, 1, &query);
          break;
        case QUERY_NAME_2_START:
          utf8_prefix_chars (name, 0, 2, &query);
          break;
        case QUERY_NAME_2_MIDDLE:
          utf8_prefix_chars (name, 1, 2, &query);
          break;
        case QUERY_SUBSTRING_3:
          if (g_utf8_strlen (name, -1) >= 3)
            query = g_strdup (name);
          break;
        default:
          g_assert_not_reached ();
        }
      if (query != NULL)
        g_ptr_array_add (queries, query);
      sqlite3_reset (app);
      sqlite3_reset (kase);
    }
  return queries;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i = (guint) ceil (p * sorted->len) - 1;

  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

/* Drops the database's pages from the kernel's cache (this file only, so
 * the other programs on the machine keep theirs). */
static gboolean
drop_file_cache (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      int fd = open (file, O_RDONLY);

      if (fd < 0)
        continue;
      fdatasync (fd);
      ok = posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED) == 0 && ok;
      close (fd);
    }
  return ok;
}

static void
read_memory (guint64 *rss_kb,
             guint64 *hwm_kb)
{
  g_autofree char *status = NULL;
  g_auto (GStrv) lines = NULL;

  *rss_kb = *hwm_kb = 0;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "VmRSS:"))
        *rss_kb = g_ascii_strtoull (lines[i] + 6, NULL, 10);
      else if (g_str_has_prefix (lines[i], "VmHWM:"))
        *hwm_kb = g_ascii_strtoull (lines[i] + 6, NULL, 10);
    }
}

/* The machine may be shared: say how busy it was. */
static void
print_load (const char *when)
{
  g_autofree char *load = NULL;
  g_auto (GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    return;
  fields = g_strsplit (load, " ", 4);
  if (g_strv_length (fields) >= 3)
    g_print ("Load average %s (1, 5, 15 min; %u CPUs): %s %s %s\n\n", when,
             g_get_num_processors (), fields[0], fields[1], fields[2]);
}

static HallStore *
open_store (const char *path)
{
  g_autoptr (GError) error = NULL;
  HallStore *store = hall_store_open (path, "YC", "C03", &error);

  if (store == NULL)
    g_error ("%s", error->message);
  return store;
}

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Wall time, and in *cpu_ms the time this thread ran: on a shared machine
 * the difference is time spent waiting for a CPU. */
static double
time_search (HallStore  *store,
             const char *query,
             guint      *n_found,
             double     *cpu_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = NULL;
  double cpu0 = thread_cpu_ms ();
  gint64 t0 = g_get_monotonic_time ();

  found = hall_store_search_cases (store, query, SEARCH_LIMIT, &error);
  if (found == NULL)
    g_error ("search failed: %s", error->message);
  *n_found = found->len;
  *cpu_ms = thread_cpu_ms () - cpu0;
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* Asks the list for the row at @position and waits until it is read: the
 * call itself answers at once with a placeholder, read on a worker. */
static double
time_filled (HallCaseListModel *model,
             guint              position)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (HallCase) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  while (hall_case_list_model_is_placeholder (item)
         && g_get_monotonic_time () - t0 < 60 * G_USEC_PER_SEC)
    {
      g_clear_object (&item);
      g_main_context_iteration (NULL, TRUE);
      item = g_list_model_get_item (G_LIST_MODEL (model), position);
    }
  g_assert_false (hall_case_list_model_is_placeholder (item));
  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  int n_cases = 1000000;
  int n_applicants = 600000;
  int n_queries = 200;
  int n_cold = 25;
  int only = -1;
  gboolean officials_only = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Database to build or reuse", "PATH" },
    { "cases", 0, 0, G_OPTION_ARG_INT, &n_cases, "Cases in the fixture", "N" },
    { "applicants", 0, 0, G_OPTION_ARG_INT, &n_applicants, "Applicants in the fixture", "N" },
    { "queries", 0, 0, G_OPTION_ARG_INT, &n_queries, "Warm queries per kind", "N" },
    { "cold", 0, 0, G_OPTION_ARG_INT, &n_cold, "Cold queries per kind", "N" },
    { "only", 0, 0, G_OPTION_ARG_INT, &only, "Only the query kind of this row (from 0)", "N" },
    { "add-demo-officials", 0, 0, G_OPTION_ARG_NONE, &officials_only,
      "Build the fixture if needed, add the demo officials (for bench-startup.sh) and stop", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) options = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallCaseListModel) model = NULL;
  guint64 rss_open, hwm_open, rss_page, hwm_page;
  double t_open, t_first_page, t_deep, t_next, t_middle, t_marks = 0, t_marked_jump = 0;
  gboolean cold_ok;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (db_path == NULL)
    db_path = g_strdup ("bench-search.db");

  if (!fixture_complete (db_path, n_cases, n_applicants))
    {
      pid_t pid;
      int status;

      g_printerr ("Building %s: %d cases, %d applicants...\n", db_path, n_cases, n_applicants);
      pid = fork ();
      if (pid == 0)
        {
          build_fixture (db_path, n_cases, n_applicants);
          _exit (0);
        }
      if (pid < 0 || waitpid (pid, &status, 0) != pid || !WIFEXITED (status)
          || WEXITSTATUS (status) != 0)
        g_error ("Building the fixture failed");
    }
  else
    g_printerr ("Reusing %s\n", db_path);

  /* bench-startup.sh signs in to the fixture as the demo official. */
  if (officials_only)
    {
      store = open_store (db_path);
      if (!hall_store_add_demo_officials (store, &error))
        g_error ("Adding the demo officials: %s", error->message);
      return 0;
    }

  /* Start-up as the counter app does it: open, then the list's first page. */
  drop_file_cache (db_path);
  {
    gint64 t0 = g_get_monotonic_time ();

    store = open_store (db_path);
    t_open = (g_get_monotonic_time () - t0) / 1000.0;
  }
  read_memory (&rss_open, &hwm_open);
  {
    gint64 t0 = g_get_monotonic_time ();

    /* The model counts on a worker, then reads the page asked for. */
    model = hall_case_list_model_new (store);
    while (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0
           && g_get_monotonic_time () - t0 < 60 * G_USEC_PER_SEC)
      g_main_context_iteration (NULL, TRUE);
    time_filled (model, 0);
    t_first_page = (g_get_monotonic_time () - t0) / 1000.0;
  }
  read_memory (&rss_page, &hwm_page);
  {
    guint deep = g_list_model_get_n_items (G_LIST_MODEL (model)) * 9 / 10;
    gint64 t0;

    t_deep = time_filled (model, deep);
    t_next = time_filled (model, deep + HALL_CASE_LIST_MODEL_PAGE_SIZE);
    t_middle = time_filled (model, g_list_model_get_n_items (G_LIST_MODEL (model)) / 2);

    /* The far jumps started the scan for marks; once they are in, time
     * jumps to places no page was read near. */
    t0 = g_get_monotonic_time ();
    while (!_hall_case_list_model_has_marks (model)
           && g_get_monotonic_time () - t0 < 60 * G_USEC_PER_SEC)
      g_main_context_iteration (NULL, TRUE);
    t_marks = (g_get_monotonic_time () - t0) / 1000.0;
    if (_hall_case_list_model_has_marks (model))
      {
        const double where[] = { 0.3, 0.7, 0.45, 0.15, 0.6 };

        for (guint i = 0; i < G_N_ELEMENTS (where); i++)
          {
            double ms = time_filled (model,
                                     g_list_model_get_n_items (G_LIST_MODEL (model)) * where[i]);

            t_marked_jump = MAX (t_marked_jump, ms);
          }
      }
  }

  g_print ("\n## Search, %d cases, %d applicants, limit %d\n\n", n_cases, n_applicants,
           SEARCH_LIMIT);
  print_load ("before");
  g_print ("| query | warm p50 ms | warm p95 ms | warm p99 ms | warm CPU p95 ms |"
           " cold p50 ms | cold p95 ms | cold p99 ms | mean found |\n");
  g_print ("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");

  cold_ok = TRUE;
  for (guint kind = only >= 0 ? (guint) only : 0;
       kind < (only >= 0 ? MIN ((guint) only + 1, N_QUERY_KINDS) : N_QUERY_KINDS); kind++)
    {
      g_autoptr (GPtrArray) queries = make_queries (db_path, kind, n_queries + n_cold, n_cases,
                                                    n_applicants, rand);
      g_autoptr (GArray) warm = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) cold = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
      guint64 found_total = 0;

      /* Cold: the kernel's copy of the file dropped and the store opened
       * afresh, so SQLite's own cache is empty too. */
      for (guint i = 0; i < (guint) n_cold; i++)
        {
          g_autoptr (HallStore) fresh = NULL;
          guint found;
          double ms, cpu_ms;

          cold_ok = drop_file_cache (db_path) && cold_ok;
          fresh = open_store (db_path);
          ms = time_search (fresh, queries->pdata[n_queries + i], &found, &cpu_ms);
          g_array_append_val (cold, ms);
        }

      /* Warm: each query once to load its pages, then timed. */
      for (guint i = 0; i < (guint) n_queries; i++)
        {
          guint found;
          double cpu_ms;

          time_search (store, queries->pdata[i], &found, &cpu_ms);
        }
      for (guint i = 0; i < (guint) n_queries; i++)
        {
          guint found;
          double cpu_ms;
          double ms = time_search (store, queries->pdata[i], &found, &cpu_ms);

          g_array_append_val (warm, ms);
          g_array_append_val (cpu, cpu_ms);
          found_total += found;
        }
      g_array_sort (warm, compare_double);
      g_array_sort (cpu, compare_double);
      g_array_sort (cold, compare_double);
      g_print ("| %s | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f |\n",
               query_labels[kind],
               percentile (warm, 0.5), percentile (warm, 0.95), percentile (warm, 0.99),
               percentile (cpu, 0.95),
               n_cold > 0 ? percentile (cold, 0.5) : NAN, n_cold > 0 ? percentile (cold, 0.95) : NAN,
               n_cold > 0 ? percentile (cold, 0.99) : NAN,
               (double) found_total / n_queries);
    }

  print_load ("after");
  g_print ("\nCold: %s; each cold query opens the store afresh (not timed).\n",
           cold_ok ? "posix_fadvise(POSIX_FADV_DONTNEED) on the database, -wal and -shm before"
                     " each query (the machine-wide drop_caches is not used: other programs"
                     " share the machine)"
                   : "posix_fadvise failed, the cold figures are not cold");

  g_print ("\n## Start-up and list\n\n");
  g_print ("| what | figure |\n|---|---:|\n");
  g_print ("| open the store (cold file cache) | %.1f ms |\n", t_open);
  g_print ("| list model: count + first page, read on workers | %.1f ms |\n", t_first_page);
  g_print ("| list model: jump to 90%% deep, no page known, until read (not on the main thread) |"
           " %.1f ms |\n", t_deep);
  g_print ("| list model: the page after it | %.1f ms |\n", t_next);
  g_print ("| list model: jump to 50%% deep, no page known, until read | %.1f ms |\n", t_middle);
  g_print ("| list model: marks for far jumps read on a worker | %.0f ms after |\n", t_marks);
  g_print ("| list model: slowest of 5 far jumps (15-70%%) with marks, until read | %.1f ms |\n",
           t_marked_jump);
  g_print ("| VmRSS / VmHWM after open | %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT " KiB |\n",
           rss_open, hwm_open);
  g_print ("| VmRSS / VmHWM after the first page | %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
           " KiB |\n",
           rss_page, hwm_page);
  {
    GStatBuf st;

    if (g_stat (db_path, &st) == 0)
      g_print ("| database file | %.0f MiB |\n", st.st_size / 1048576.0);
  }
  return 0;
}
