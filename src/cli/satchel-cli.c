/* satchel-cli.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "satchel-account-store.h"
#include "satchel-autoconfig.h"
#include "satchel-certificate.h"
#include "satchel-cli-common.h"
#include "satchel-cli-contacts.h"
#include "satchel-context.h"
#include "satchel-error.h"
#include "satchel-mime.h"
#include "satchel-outbox.h"
#include "satchel-paths.h"
#include "satchel-secret.h"
#include "satchel-sender.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* sysexits, as CLI.md promises them to scripts. */
typedef struct
{
  SatchelContext *context;
  gboolean        verbose;
  gboolean        no_pipelining;  /* hidden send option, for bench/run */
} Cli;

typedef int (*CommandFunc) (Cli   *cli,
                            int    argc,
                            char **argv);

typedef struct
{
  const char  *name;
  CommandFunc  func;
  const char  *summary;
} Command;

static int
exit_status_for_error (const GError *error)
{
  if (error->domain == SATCHEL_MESSAGE_ERROR || error->domain == G_FILE_ERROR)
    return EXIT_DATAERR;

  if (error->domain == SATCHEL_SECRET_ERROR)
    {
      if (error->code == SATCHEL_SECRET_ERROR_NO_PASSWORD ||
          error->code == SATCHEL_SECRET_ERROR_COMMAND_FAILED)
        return EXIT_NOPERM;
      return EXIT_CONFIG;
    }

  if (error->domain == SATCHEL_ACCOUNT_ERROR)
    return error->code == SATCHEL_ACCOUNT_ERROR_INVALID ? EXIT_DATAERR : EXIT_CONFIG;

  if (error->domain == SATCHEL_OUTBOX_ERROR)
    return error->code == SATCHEL_OUTBOX_ERROR_NOT_FOUND ? EXIT_DATAERR : EXIT_TEMPFAIL;

  if (error->domain == SATCHEL_SMTP_ERROR)
    {
      switch ((SatchelSmtpError) error->code)
        {
        case SATCHEL_SMTP_ERROR_AUTH_FAILED:
        case SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE:
        case SATCHEL_SMTP_ERROR_APP_PASSWORD_REQUIRED:
          return EXIT_NOPERM;
        case SATCHEL_SMTP_ERROR_PLAINTEXT_AUTH_REFUSED:
          return EXIT_CONFIG;
        case SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME:
          return EXIT_TEMPFAIL;
        default:
          return satchel_error_is_temporary (error) ? EXIT_TEMPFAIL : EXIT_UNAVAILABLE;
        }
    }

  if (satchel_error_is_temporary (error))
    return EXIT_TEMPFAIL;

  if (error->domain == G_IO_ERROR)
    return EXIT_DATAERR;

  return EXIT_UNAVAILABLE;
}

static int
fail (const GError *error)
{
  satchel_cli_print_error_line (error->message);
  return exit_status_for_error (error);
}

static int
fail_usage (GOptionContext *context,
            const char     *message)
{
  satchel_cli_print_error_line (message);
  if (context != NULL)
    g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
  return EXIT_USAGE;
}

/* Parses options for a subcommand; @argv[0] is its name. */
static int
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    return fail_usage (context, error->message);

  return 0;
}

static void
print_transcript_line (gboolean    from_server,
                       const char *line,
                       gpointer    user_data)
{
  g_printerr ("%s %s\n", from_server ? "S:" : "C:", line);
}

static void
init_hooks (Cli              *cli,
            SatchelSendHooks *hooks)
{
  memset (hooks, 0, sizeof *hooks);
  if (cli->verbose)
    hooks->transcript = print_transcript_line;
  hooks->pipelining_off = cli->no_pipelining;
}

/* Loads what the first TLS connection needs, in a thread, while the
 * message is encoded and the password fetched: GIO's TLS module, the
 * system's trusted certificates and the proxy settings take 100-200 ms
 * that would otherwise come after them. */
static gpointer
warm_up_network (gpointer data)
{
  if (GPOINTER_TO_INT (data))
    {
      GTlsBackend *backend = g_tls_backend_get_default ();
      GTlsDatabase *database = g_tls_backend_get_default_database (backend);

      g_clear_object (&database);
    }
  g_proxy_resolver_get_default ();
  return NULL;
}

static void
start_network_warm_up (SatchelAccount *account)
{
  gboolean tls = satchel_account_get_security (account) != SATCHEL_SECURITY_NONE;

  g_thread_unref (g_thread_new ("satchel-warm-up", warm_up_network, GINT_TO_POINTER (tls)));
}

/* With SATCHEL_BENCH_TIMINGS set, send prints "satchel-timing PHASE
 * SECONDS" lines on stderr (seconds since the command started), so that
 * bench/run can tell queueing from connecting and transferring. */
static gint64 timing_origin;

static void
print_timing (const char *phase)
{
  if (timing_origin != 0)
    g_printerr ("satchel-timing %s %.6f\n", phase,
                (g_get_monotonic_time () - timing_origin) / 1e6);
}

static void
print_step_timing (SatchelSmtpStep step,
                   gpointer        user_data)
{
  static const char * const names[] = {
    [SATCHEL_SMTP_STEP_RESOLVE] = "resolve",
    [SATCHEL_SMTP_STEP_CONNECT] = "connect",
    [SATCHEL_SMTP_STEP_TLS] = "tls",
    [SATCHEL_SMTP_STEP_GREETING] = "greeting",
    [SATCHEL_SMTP_STEP_EHLO] = "ehlo",
    [SATCHEL_SMTP_STEP_STARTTLS] = "starttls",
    [SATCHEL_SMTP_STEP_AUTH] = "auth",
    [SATCHEL_SMTP_STEP_MAIL] = "mail",
    [SATCHEL_SMTP_STEP_RCPT] = "rcpt",
    [SATCHEL_SMTP_STEP_DATA] = "data",
    [SATCHEL_SMTP_STEP_DATA_END] = "data-end",
    [SATCHEL_SMTP_STEP_QUIT] = "quit",
  };

  if ((guint) step < G_N_ELEMENTS (names) && names[step] != NULL)
    print_timing (names[step]);
}

/* Passwords ------------------------------------------------------------ */

static void
password_free (char *password)
{
  if (password == NULL)
    return;
  explicit_bzero (password, strlen (password));
  g_free (password);
}

/* A password in memory that is wiped when it goes out of scope. */
typedef char SatchelPassword;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelPassword, password_free)

static char *
read_line_from_fd (int fd)
{
  GString *line = g_string_new (NULL);
  char c;

  for (;;)
    {
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || c == '\n')
        break;
      g_string_append_c (line, c);
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);

  return g_string_free (line, FALSE);
}

/* Asks on the terminal without echo; NULL when there is no terminal. */
static char *
prompt_password (const char *account_name)
{
  struct termios saved, quiet;
  char *password;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &saved) != 0)
    return NULL;

  /* Echo goes off before the prompt shows: an answer typed as soon as
   * the prompt appears must neither be echoed nor flushed. Restoring
   * does not flush either, so an answer typed ahead for the next
   * question survives. */
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  g_printerr (_("Password for “%s”: "), account_name);
  password = read_line_from_fd (STDIN_FILENO);
  tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  g_printerr ("\n");

  return password;
}

/* A person is there to answer: standard input and standard error are a
 * terminal (standard output may go to a pipe). */
static gboolean
is_interactive (void)
{
  return isatty (STDIN_FILENO) && isatty (STDERR_FILENO);
}

/* Asks @question on the terminal; TRUE only for a yes, so that Enter
 * (or anything else) means no. */
static gboolean
ask_yes (const char *question)
{
  g_autofree char *answer = NULL;

  g_printerr ("%s ", question);
  answer = read_line_from_fd (STDIN_FILENO);
  g_strstrip (answer);

  return g_ascii_strcasecmp (answer, "y") == 0 ||
         g_ascii_strcasecmp (answer, "yes") == 0 ||
         /* TRANSLATORS: a short "yes" typed at the [y/N] prompts */
         g_strcmp0 (answer, C_("answer", "y")) == 0 ||
         /* TRANSLATORS: "yes" typed at the [y/N] prompts */
         g_strcmp0 (answer, C_("answer", "yes")) == 0;
}

/* The password of @account for a session of this process: the keyring's
 * or the password command's; NULL (and TRUE) when it has none. When the
 * keyring is missing or locked, a person at the terminal is asked (the
 * password is not stored); without a terminal that is an error saying
 * what to do (exit status 77). */
static gboolean
fetch_session_password (SatchelAccount  *account,
                        char           **password,
                        GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  char *stored;

  *password = NULL;
  stored = satchel_secret_lookup_sync (account, NULL, &local_error);
  if (stored != NULL)
    {
      *password = g_strdup (stored);
      secret_password_free (stored);
      return TRUE;
    }

  if (g_error_matches (local_error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_NO_PASSWORD))
    return TRUE;

  if (g_error_matches (local_error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE) ||
      g_error_matches (local_error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED))
    {
      if (is_interactive ())
        {
          g_autofree char *line = g_strdup_printf (_("%s Type the password to use it this "
                                                     "once; it is not stored."),
                                                   local_error->message);

          satchel_cli_print_error_line (line);
          *password = prompt_password (satchel_account_get_name (account));
          if (*password != NULL)
            return TRUE;
        }

      g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_NO_PASSWORD,
                   _("%s No password is available for the account “%s”: run the "
                     "command on a terminal to type it, unlock the keyring, or give "
                     "the account a password command (account edit "
                     "--password-command)."),
                   local_error->message, satchel_account_get_name (account));
      return FALSE;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Cancelling ----------------------------------------------------------- */

/* While a message is on its way, SIGINT, SIGTERM and SIGHUP cancel it
 * cleanly (the message stays queued in the outbox) instead of killing the
 * process mid-session. The main thread is blocked in the network, so a
 * thread of our own watches for the signals; a second one kills as
 * usual. */
typedef struct
{
  GMainContext *context;
  GCancellable *cancellable;
  GSource      *sources[3];
  GThread      *thread;
  gint          stop;
} SignalWatch;

static gboolean
on_stop_signal (gpointer user_data)
{
  SignalWatch *watch = user_data;

  g_cancellable_cancel (watch->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (watch->sources); i++)
    g_source_destroy (watch->sources[i]);
  /* GLib keeps its handler while we hold the sources: a second signal
   * must not wait for the cancelled session to wind down. */
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
  return G_SOURCE_REMOVE;
}

static gpointer
watch_signals_thread (gpointer user_data)
{
  SignalWatch *watch = user_data;

  while (!g_atomic_int_get (&watch->stop))
    g_main_context_iteration (watch->context, TRUE);
  return NULL;
}

static SignalWatch *
signal_watch_start (void)
{
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
  SignalWatch *watch = g_new0 (SignalWatch, 1);

  watch->context = g_main_context_new ();
  watch->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      watch->sources[i] = g_unix_signal_source_new (signals[i]);
      g_source_set_callback (watch->sources[i], on_stop_signal, watch, NULL);
      g_source_attach (watch->sources[i], watch->context);
    }
  watch->thread = g_thread_new ("satchel-signals", watch_signals_thread, watch);
  return watch;
}

/* Gives the signals their usual meaning back. */
static void
signal_watch_stop (SignalWatch *watch)
{
  g_atomic_int_set (&watch->stop, 1);
  g_main_context_wakeup (watch->context);
  g_thread_join (watch->thread);
  for (guint i = 0; i < G_N_ELEMENTS (watch->sources); i++)
    {
      g_source_destroy (watch->sources[i]);
      g_source_unref (watch->sources[i]);
    }
  g_object_unref (watch->cancellable);
  g_main_context_unref (watch->context);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignalWatch, signal_watch_stop)

/* Accounts ------------------------------------------------------------- */

typedef struct
{
  char     *address;
  char     *display_name;
  char     *host;
  int       port;
  char     *security;
  char     *username;
  gboolean  password_stdin;
  char     *password_command;
  char     *auth;
  char     *ca_file;
  char     *trust_fingerprint;
  gboolean  allow_plaintext_auth;
  int       timeout;
  gboolean  verify;
  char     *signature;
  char     *reply_to;
  char     *bcc_self;
} AccountOptions;

static void
account_options_clear (AccountOptions *options)
{
  g_free (options->address);
  g_free (options->display_name);
  g_free (options->host);
  g_free (options->security);
  g_free (options->username);
  g_free (options->password_command);
  g_free (options->auth);
  g_free (options->ca_file);
  g_free (options->trust_fingerprint);
  g_free (options->signature);
  g_free (options->reply_to);
  g_free (options->bcc_self);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AccountOptions, account_options_clear)

static GOptionContext *
account_option_context (AccountOptions *options,
                        const char     *parameter,
                        const char     *summary)
{
  GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &options->address,
      N_("The account’s email address"), N_("EMAIL") },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &options->display_name,
      N_("The name recipients see"), N_("TEXT") },
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host,
      N_("The SMTP server"), N_("HOST") },
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port,
      N_("The server port (465 for tls, 587 for starttls, 25 for none)"), N_("N") },
    { "security", 0, 0, G_OPTION_ARG_STRING, &options->security,
      N_("tls (default), starttls or none"), N_("MODE") },
    { "username", 0, 0, G_OPTION_ARG_STRING, &options->username,
      N_("The user name to log in with (default: the address)"), N_("USER") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &options->password_stdin,
      N_("Read the password from the first line of standard input"), NULL },
    { "password-command", 0, 0, G_OPTION_ARG_STRING, &options->password_command,
      N_("A command whose first output line is the password, run at each use"), N_("CMD") },
    { "auth", 0, 0, G_OPTION_ARG_STRING, &options->auth,
      N_("The SASL mechanism (default: the strongest the server offers)"), N_("MECH") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &options->ca_file,
      N_("Also trust the certificate authorities in this PEM file"), N_("PEM") },
    { "trust-fingerprint", 0, 0, G_OPTION_ARG_STRING, &options->trust_fingerprint,
      N_("Accept the server certificate with this SHA-256 fingerprint"), N_("SHA256") },
    { "allow-plaintext-auth", 0, 0, G_OPTION_ARG_NONE, &options->allow_plaintext_auth,
      N_("Allow sending the password without TLS"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options->timeout,
      N_("Seconds to wait for the server at each step"), N_("SECONDS") },
    { "signature", 0, 0, G_OPTION_ARG_STRING, &options->signature,
      N_("Text added below messages from this account"), N_("TEXT") },
    { "reply-to", 0, 0, G_OPTION_ARG_STRING, &options->reply_to,
      N_("The Reply-To address of messages from this account"), N_("ADDR") },
    { "bcc-self", 0, 0, G_OPTION_ARG_STRING, &options->bcc_self,
      N_("yes: send every message to the account’s own address too, as Bcc, for a "
         "copy in its mailbox; no (the default): do not"), N_("yes|no") },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &options->verify,
      N_("Connect and log in first; save only if that works"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (parameter);

  options->port = -1;
  options->timeout = -1;
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

/* Applies the options that were given to @account. */
static gboolean
apply_account_options (SatchelAccount  *account,
                       AccountOptions  *options,
                       GError         **error)
{
  if (options->address != NULL)
    satchel_account_set_address (account, options->address);
  if (options->display_name != NULL)
    satchel_account_set_display_name (account, options->display_name);
  if (options->host != NULL)
    satchel_account_set_host (account, options->host);
  if (options->security != NULL)
    {
      SatchelSecurity security;

      if (!satchel_security_from_string (options->security, &security))
        {
          g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                       _("Unknown security “%s”: use tls, starttls or none."),
                       options->security);
          return FALSE;
        }
      /* The port follows the security only while it is the old
       * security's usual port: a port the user chose stays. */
      if (options->port < 0 &&
          satchel_account_get_port (account) ==
          satchel_security_default_port (satchel_account_get_security (account)))
        satchel_account_set_port (account, satchel_security_default_port (security));
      satchel_account_set_security (account, security);
    }
  if (options->port >= 0)
    {
      if (options->port < 1 || options->port > 65535)
        {
          g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                       _("The port must be a number from 1 to 65535."));
          return FALSE;
        }
      satchel_account_set_port (account, (guint16) options->port);
    }
  if (options->username != NULL)
    satchel_account_set_username (account, options->username);
  if (options->password_command != NULL)
    satchel_account_set_password_command (account,
                                          *options->password_command ? options->password_command : NULL);
  if (options->auth != NULL)
    {
      g_autofree char *mechanism = g_ascii_strup (options->auth, -1);

      satchel_account_set_auth_mechanism (account,
                                          g_str_equal (mechanism, "AUTO") ? NULL : mechanism);
    }
  if (options->ca_file != NULL)
    {
      g_autofree char *absolute = NULL;

      if (*options->ca_file == '\0')
        {
          satchel_account_set_ca_file (account, NULL);
        }
      else
        {
          if (!g_file_test (options->ca_file, G_FILE_TEST_IS_REGULAR))
            {
              g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The CA file “%s” does not exist or is not a file."),
                           options->ca_file);
              return FALSE;
            }
          absolute = g_canonicalize_filename (options->ca_file, NULL);
          satchel_account_set_ca_file (account, absolute);
        }
    }
  if (options->trust_fingerprint != NULL)
    {
      g_autofree char *fingerprint = NULL;

      if (*options->trust_fingerprint != '\0')
        {
          fingerprint = satchel_account_normalize_fingerprint (options->trust_fingerprint, error);
          if (fingerprint == NULL)
            return FALSE;
        }
      satchel_account_set_trust_fingerprint (account, fingerprint);
    }
  if (options->allow_plaintext_auth)
    satchel_account_set_allow_plaintext_auth (account, TRUE);
  if (options->timeout >= 0)
    {
      if (options->timeout < 1 || options->timeout > 3600)
        {
          g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                       _("The time-out must be from 1 to 3600 seconds."));
          return FALSE;
        }
      satchel_account_set_timeout (account, (guint) options->timeout);
    }
  if (options->signature != NULL)
    satchel_account_set_signature (account, *options->signature ? options->signature : NULL);
  if (options->reply_to != NULL)
    {
      if (*options->reply_to != '\0')
        {
          g_autoptr(SatchelAddress) reply_to = satchel_address_parse (options->reply_to, error);

          if (reply_to == NULL)
            return FALSE;
        }
      satchel_account_set_reply_to (account, *options->reply_to ? options->reply_to : NULL);
    }
  if (options->bcc_self != NULL)
    {
      if (g_ascii_strcasecmp (options->bcc_self, "yes") == 0 ||
          g_ascii_strcasecmp (options->bcc_self, "true") == 0)
        satchel_account_set_bcc_self (account, TRUE);
      else if (g_ascii_strcasecmp (options->bcc_self, "no") == 0 ||
               g_ascii_strcasecmp (options->bcc_self, "false") == 0)
        satchel_account_set_bcc_self (account, FALSE);
      else
        {
          g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                       _("--bcc-self takes yes or no, not “%s”."), options->bcc_self);
          return FALSE;
        }
    }

  return satchel_account_validate (account, error);
}

/* The password the options ask for: from stdin, or asked on the
 * terminal when the account has no password command. */
static char *
password_from_options (AccountOptions *options,
                       const char     *name,
                       gboolean        ask)
{
  if (options->password_stdin)
    return read_line_from_fd (STDIN_FILENO);
  if (ask && options->password_command == NULL)
    return prompt_password (name);
  return NULL;
}

static void
print_step (SatchelSmtpStep step,
            gpointer        user_data)
{
  Cli *cli = user_data;

  if (cli->verbose)
    g_printerr ("%s\n", satchel_smtp_step_describe (step));
}

/* "host:port", "[::1]:port". */
static char *
format_where (SatchelAccount *account)
{
  const char *host = satchel_account_get_host (account);

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, satchel_account_get_port (account));
  return g_strdup_printf ("%s:%u", host, satchel_account_get_port (account));
}

/* What a person needs to decide whether to trust the server's
 * certificate: every problem, who it names, who issued it, when it is
 * valid, its fingerprint; for a pinned certificate that was replaced,
 * the old and the new fingerprints one above the other. */
static void
print_certificate (SatchelAccount      *account,
                   SatchelVerifyReport *report)
{
  GTlsCertificate *certificate = report->certificate;
  g_autofree char *where = format_where (account);
  g_auto(GStrv) reasons = NULL;
  g_autofree char *subject = satchel_certificate_dup_subject (certificate);
  g_autofree char *issuer = satchel_certificate_dup_issuer (certificate);
  g_autofree char *not_before = satchel_certificate_dup_not_before (certificate);
  g_autofree char *not_after = satchel_certificate_dup_not_after (certificate);
  g_autofree char *hex = satchel_certificate_fingerprint (certificate);
  g_autofree char *fingerprint = satchel_certificate_format_fingerprint (hex != NULL ? hex : "");

  reasons = satchel_certificate_describe_problems (certificate,
                                                   satchel_account_get_host (account),
                                                   report->certificate_errors);

  g_printerr (_("The certificate of %s is not trusted:\n"), where);
  for (guint i = 0; reasons[i] != NULL; i++)
    g_printerr ("  - %s\n", reasons[i]);
  g_printerr ("\n");
  g_printerr (_("  Subject:    %s\n"), subject != NULL ? subject : "?");
  g_printerr (_("  Issuer:     %s\n"), issuer != NULL ? issuer : "?");
  g_printerr (_("  Valid:      from %s to %s\n"),
              not_before != NULL ? not_before : "?", not_after != NULL ? not_after : "?");

  if (report->pin_mismatch)
    {
      g_autofree char *pinned = satchel_certificate_format_fingerprint (
        satchel_account_get_trust_fingerprint (account));

      g_printerr ("\n%s\n",
                  _("It is not the certificate trusted for this account, and no "
                    "certificate authority vouches for it: the server’s certificate "
                    "was replaced, or someone is in between."));
      g_printerr (_("  Trusted SHA-256:    %s\n"), pinned);
      g_printerr (_("  Presented SHA-256:  %s\n"), fingerprint);
      g_printerr ("\n");
    }
  else
    {
      g_printerr (_("  SHA-256:    %s\n"), fingerprint);
      g_printerr ("\n");
    }
}

/* After a setup verification, says when the local part, not the whole
 * address, turned out to be the user name. */
static void
note_user_name (SatchelAccount *account,
                const char     *before)
{
  const char *after = satchel_account_get_username (account);

  if (g_strcmp0 (before, after) != 0)
    g_printerr (_("The server accepted “%s” as the user name, not “%s”; the account "
                  "uses “%s”.\n"),
                after, before, after);
}

/* Connects, starts TLS, logs in and quits. @setup: for a new account
 * (tries the local part of an address as user name, once). On a
 * terminal, a certificate no CA vouches for is shown, and trusted for
 * this account (pinned) if the person says so; then it verifies again. */
static gboolean
verify_account (Cli             *cli,
                SatchelAccount  *account,
                const char      *password,
                gboolean         setup,
                GError         **error)
{
  g_autoptr(SatchelVerifyReport) report = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *username = g_strdup (satchel_account_get_username (account));
  SatchelSendHooks hooks;

  init_hooks (cli, &hooks);
  hooks.step = print_step;
  hooks.user_data = cli;
  hooks.password = password;
  hooks.try_local_part = setup;

  if (satchel_sender_verify_report_sync (account, &hooks, &report, NULL, &local_error))
    {
      note_user_name (account, username);
      return TRUE;
    }

  if (g_error_matches (local_error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE) &&
      report != NULL && report->certificate != NULL && report->certificate_errors != 0 &&
      is_interactive ())
    {
      print_certificate (account, report);

      /* A replaced pin is refused: the person compares the fingerprints
       * and pins the new one explicitly if it is right. */
      if (!report->pin_mismatch &&
          ask_yes (_("Trust this certificate for this account? [y/N]")))
        {
          g_autofree char *fingerprint = satchel_certificate_fingerprint (report->certificate);

          satchel_account_set_trust_fingerprint (account, fingerprint);
          g_clear_pointer (&report, satchel_verify_report_free);
          g_clear_error (&local_error);
          if (satchel_sender_verify_report_sync (account, &hooks, &report, NULL, &local_error))
            {
              note_user_name (account, username);
              return TRUE;
            }
        }
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The keyring is missing or locked: the account is saved all the same,
 * without the password, which is then asked when sending. */
static gboolean
keyring_is_unavailable (const GError *error)
{
  return g_error_matches (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE) ||
         g_error_matches (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED);
}

static void
warn_saved_without_password (SatchelAccount *account,
                             const GError   *keyring_error)
{
  g_autofree char *line =
    g_strdup_printf (_("%s The account “%s” was saved without its password: "
                       "satchel-cli asks for it when it sends from a terminal, and "
                       "does not store it. For scripts and cron, give the account a "
                       "password command (account edit --password-command)."),
                     keyring_error->message, satchel_account_get_name (account));

  satchel_cli_print_error_line (line);
}

static int
account_add (Cli   *cli,
             int    argc,
             char **argv)
{
  g_auto(AccountOptions) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(SatchelPassword) password = NULL;
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  const char *name;
  int status;

  context = account_option_context (&options, _("NAME"),
                                    _("Add an SMTP account. It is saved without "
                                      "connecting unless --verify is given. With "
                                      "--verify on a terminal, a certificate no "
                                      "authority vouches for is shown and may be "
                                      "trusted for this account."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (context, _("account add: give exactly one account NAME."));
  if (options.address == NULL)
    return fail_usage (context, _("account add: --address is required."));
  if (options.host == NULL)
    return fail_usage (context, _("account add: --host is required."));
  if (options.password_stdin && options.password_command != NULL)
    return fail_usage (context, _("account add: use either --password-stdin or "
                                  "--password-command, not both."));

  name = argv[1];
  if (!satchel_account_store_load (store, &error))
    return fail (error);
  account = satchel_account_store_lookup (store, name);
  if (account != NULL)
    {
      g_set_error (&error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_EXISTS,
                   _("An account named “%s” exists already: change it with "
                     "“account edit”, or choose another name."), name);
      return fail (error);
    }

  account = satchel_account_new (name);
  if (!apply_account_options (account, &options, &error))
    return fail (error);

  password = password_from_options (&options, name, TRUE);
  if (password != NULL && *password == '\0')
    g_clear_pointer (&password, password_free);

  if (options.verify && !verify_account (cli, account, password, TRUE, &error))
    return fail (error);

  if (password != NULL &&
      !satchel_secret_store_sync (account, password, NULL, &keyring_error))
    {
      if (!keyring_is_unavailable (keyring_error))
        return fail (keyring_error);
      g_clear_pointer (&password, password_free);
    }

  if (!satchel_account_store_add (store, account, &error))
    {
      g_autoptr(GError) clear_error = NULL;

      if (password != NULL)
        satchel_secret_clear_sync (account, NULL, &clear_error);
      return fail (error);
    }

  if (keyring_error != NULL)
    warn_saved_without_password (account, keyring_error);

  return 0;
}

static int
account_edit (Cli   *cli,
              int    argc,
              char **argv)
{
  g_auto(AccountOptions) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelAccount) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(SatchelPassword) password = NULL;
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  gboolean moved;
  int status;

  context = account_option_context (&options, _("NAME"),
                                    _("Change an SMTP account: only the options "
                                      "given change."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (context, _("account edit: give exactly one account NAME."));

  if (!satchel_account_store_load (store, &error))
    return fail (error);
  account = satchel_account_store_lookup (store, argv[1]);
  if (account == NULL)
    {
      g_set_error (&error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND,
                   _("There is no account named “%s”; “account list” shows them."),
                   argv[1]);
      return fail (error);
    }
  before = satchel_account_copy (account);

  if (!apply_account_options (account, &options, &error))
    return fail (error);

  password = password_from_options (&options, argv[1], FALSE);

  /* The keyring entry names host, port and user: keep it in step. */
  moved = g_strcmp0 (satchel_account_get_host (before), satchel_account_get_host (account)) != 0 ||
          satchel_account_get_port (before) != satchel_account_get_port (account) ||
          g_strcmp0 (satchel_account_get_username (before), satchel_account_get_username (account)) != 0;
  if (password == NULL && moved && satchel_account_get_password_command (account) == NULL)
    {
      g_autoptr(GError) lookup_error = NULL;
      char *stored = satchel_secret_lookup_sync (before, NULL, &lookup_error);

      if (stored != NULL)
        {
          password = g_strdup (stored);
          secret_password_free (stored);
        }
    }

  if (options.verify && !verify_account (cli, account, password, FALSE, &error))
    return fail (error);

  if (password != NULL && *password != '\0' &&
      !satchel_secret_store_sync (account, password, NULL, &keyring_error) &&
      !keyring_is_unavailable (keyring_error))
    return fail (keyring_error);

  if (!satchel_account_store_update (store, account, &error))
    return fail (error);

  if (keyring_error != NULL)
    warn_saved_without_password (account, keyring_error);

  return 0;
}

static SatchelAccount *
lookup_account (Cli         *cli,
                const char  *name,
                GError     **error)
{
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  SatchelAccount *account;

  if (!satchel_account_store_load (store, error))
    return NULL;

  if (name == NULL)
    return satchel_account_store_get_default (store, error);

  account = satchel_account_store_lookup (store, name);
  if (account == NULL)
    g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND,
                 _("There is no account named “%s”; “account list” shows them."),
                 name);

  return account;
}

static int
account_default (Cli   *cli,
                 int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GError) error = NULL;
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  int status;

  g_option_context_set_summary (context, _("Make NAME the default account."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (context, _("account default: give exactly one account NAME."));

  if (!satchel_account_store_load (store, &error) ||
      !satchel_account_store_set_default (store, argv[1], &error))
    return fail (error);

  return 0;
}

/* TRUE when what a verification may change is unchanged. */
static gboolean
account_fields_equal (SatchelAccount *a,
                      SatchelAccount *b)
{
  const char * const *mechanisms_a = satchel_account_get_server_mechanisms (a);
  const char * const *mechanisms_b = satchel_account_get_server_mechanisms (b);

  return satchel_account_get_size_limit (a) == satchel_account_get_size_limit (b) &&
         g_strcmp0 (satchel_account_get_username (a), satchel_account_get_username (b)) == 0 &&
         g_strcmp0 (satchel_account_get_trust_fingerprint (a),
                    satchel_account_get_trust_fingerprint (b)) == 0 &&
         (mechanisms_a == NULL) == (mechanisms_b == NULL) &&
         (mechanisms_a == NULL || g_strv_equal (mechanisms_a, mechanisms_b));
}

static int
account_verify (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose,
      N_("Print each step and the protocol transcript on standard error"), NULL },
    { NULL }
  };
  g_autoptr(SatchelAccount) before = NULL;
  g_autoptr(SatchelPassword) password = NULL;
  int status;

  g_option_context_set_summary (context, _("Connect, start TLS, greet, log in "
                                           "and quit, to check that the account works. "
                                           "On a terminal, a certificate no authority "
                                           "vouches for is shown and may be trusted for "
                                           "this account."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (context, _("account verify: give exactly one account NAME."));

  account = lookup_account (cli, argv[1], &error);
  if (account == NULL)
    return fail (error);

  before = satchel_account_copy (account);
  if (!fetch_session_password (account, &password, &error))
    return fail (error);

  if (!verify_account (cli, account, password, FALSE, &error))
    {
      g_autoptr(GError) save_error = NULL;

      /* A certificate just trusted stays trusted, whatever failed after. */
      if (!g_error_matches (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE) &&
          g_strcmp0 (satchel_account_get_trust_fingerprint (before),
                     satchel_account_get_trust_fingerprint (account)) != 0 &&
          !satchel_account_store_update (store, account, &save_error))
        satchel_cli_print_error_line (save_error->message);
      return fail (error);
    }

  /* Remember what the server allows, for the compose window, and a
   * certificate trusted on the way. */
  if (!account_fields_equal (before, account) &&
      !satchel_account_store_update (store, account, &error))
    return fail (error);

  g_print (_("The account “%s” works: %s:%u accepted the connection and the login.\n"),
           satchel_account_get_name (account), satchel_account_get_host (account),
           satchel_account_get_port (account));
  return 0;
}

static int
account_list (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  const char *default_name;
  guint n;
  int status;

  g_option_context_set_summary (context, _("List the accounts, one per line: "
                                           "NAME ADDRESS HOST:PORT SECURITY default|-"));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (context, _("account list takes no arguments."));

  if (!satchel_account_store_load (store, &error))
    return fail (error);

  default_name = satchel_account_store_get_default_name (store);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_print ("%s\t%s\t%s:%u\t%s\t%s\n",
               satchel_account_get_name (account),
               satchel_account_get_address (account),
               satchel_account_get_host (account),
               satchel_account_get_port (account),
               satchel_security_to_string (satchel_account_get_security (account)),
               g_strcmp0 (default_name, satchel_account_get_name (account)) == 0 ? "default" : "-");
    }

  return 0;
}

static int
account_remove (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  SatchelOutbox *outbox = satchel_context_get_outbox (cli->context);
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Remove it even with messages queued: they are marked failed, not lost"), NULL },
    { NULL }
  };
  guint n_pending;
  int status;

  g_option_context_set_summary (context, _("Remove an account and its keyring entry."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (context, _("account remove: give exactly one account NAME."));

  account = lookup_account (cli, argv[1], &error);
  if (account == NULL)
    return fail (error);

  n_pending = satchel_outbox_count_pending (outbox, argv[1]);
  if (n_pending > 0 && !force)
    {
      g_set_error (&error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_BUSY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The account “%s” still has %u message in the outbox: "
                                "send or discard it first, or use --force to mark it failed.",
                                "The account “%s” still has %u messages in the outbox: "
                                "send or discard them first, or use --force to mark them failed.",
                                n_pending),
                   argv[1], n_pending);
      return fail (error);
    }

  if (n_pending > 0 && !satchel_outbox_fail_account (outbox, argv[1], &error))
    return fail (error);

  if (!satchel_secret_clear_sync (account, NULL, &error))
    return fail (error);
  if (!satchel_account_store_remove (store, argv[1], &error))
    return fail (error);

  return 0;
}

static int
account_detect (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("EMAIL"));
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SignalWatch) watch = NULL;
  int timeout = SATCHEL_AUTOCONFIG_PROBE_TIMEOUT_MS / 1000;
  GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Seconds to wait for DNS and for each server (default 4)"), N_("SECONDS") },
    { NULL }
  };
  int status;

  g_option_context_set_summary (context,
                                _("Find the mail submission server of EMAIL: DNS SRV records "
                                  "(RFC 6186), then smtp.DOMAIN, mail.DOMAIN and DOMAIN on "
                                  "ports 465 and 587, all at once. Prints one line per server "
                                  "found, best first, tab-separated:\n"
                                  "  HOST PORT SECURITY SOURCE\n"
                                  "SECURITY is tls or starttls, SOURCE is srv (published by the "
                                  "domain) or probe (a server answered there). Certificates "
                                  "are not checked here: “account add --verify” does that.\n"
                                  "Exit status: 0 found, 65 not an email address, 69 nothing "
                                  "found."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (context, _("account detect: give exactly one EMAIL address."));
  if (timeout < 1 || timeout > 600)
    return fail_usage (context, _("account detect: the time-out must be from 1 to 600 seconds."));

  watch = signal_watch_start ();
  candidates = satchel_autoconfig_discover_sync (argv[1], NULL, (guint) timeout * 1000,
                                                 watch->cancellable, &error);
  if (candidates == NULL)
    return fail (error);

  if (candidates->len == 0)
    {
      const char *domain = strrchr (argv[1], '@') + 1;

      g_set_error (&error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_HOST_NOT_FOUND,
                   _("No mail submission server was found for %s: it publishes no SRV "
                     "record, and nothing answered on smtp.%s, mail.%s or %s at ports "
                     "465 and 587. Ask the provider for its SMTP server, then add the "
                     "account with --host."),
                   domain, domain, domain, domain);
      satchel_cli_print_error_line (error->message);
      return EXIT_UNAVAILABLE;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      SatchelAutoconfigCandidate *candidate = g_ptr_array_index (candidates, i);

      g_print ("%s\t%u\t%s\t%s\n", candidate->host, candidate->port,
               satchel_security_to_string (candidate->security),
               satchel_autoconfig_source_to_string (candidate->source));
    }

  return 0;
}

static const Command account_commands[] = {
  { "add", account_add, N_("Add an account") },
  { "edit", account_edit, N_("Change an account") },
  { "default", account_default, N_("Choose the default account") },
  { "verify", account_verify, N_("Check that an account can connect and log in") },
  { "detect", account_detect, N_("Print the server settings discovery finds for an address") },
  { "list", account_list, N_("List the accounts") },
  { "remove", account_remove, N_("Remove an account and its password") },
  { NULL }
};

/* Sending -------------------------------------------------------------- */

static gboolean
read_text_file (const char  *path,
                char       **text,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (output, input, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                  NULL, &local_error) < 0)
        {
          g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                       _("Could not read the text from standard input: %s"),
                       local_error->message);
          return FALSE;
        }
      length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (output));
      g_output_stream_write (output, "", 1, NULL, NULL);
      *text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
      if (*text == NULL)
        *text = g_strdup ("");
    }
  else if (!g_file_get_contents (path, text, &length, &local_error))
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  if (!g_utf8_validate (*text, length, NULL) || memchr (*text, '\0', length) != NULL)
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                   _("“%s” is not UTF-8 text. Convert it to UTF-8 first."),
                   g_str_equal (path, "-") ? _("standard input") : path);
      g_clear_pointer (text, g_free);
      return FALSE;
    }

  return TRUE;
}

typedef void (*AddAddressFunc) (SatchelMessage       *message,
                                const SatchelAddress *address);

static gboolean
add_addresses (SatchelMessage  *message,
               char           **values,
               AddAddressFunc   add,
               GError         **error)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      /* A contact group's name stands for its members. */
      g_autofree char *members = satchel_cli_contacts_expand_group (values[i]);
      g_autoptr(GPtrArray) list = satchel_address_parse_list (members ? members : values[i], error);

      if (list == NULL)
        return FALSE;
      for (guint j = 0; j < list->len; j++)
        add (message, g_ptr_array_index (list, j));
    }

  return TRUE;
}

/* Sends a freshly queued item and turns the outcome into the exit status;
 * with @no_queue a failed message leaves the outbox. */
static int
send_queued_item (Cli               *cli,
                  SatchelOutboxItem *item,
                  const char        *password,
                  gboolean           no_queue)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SignalWatch) watch = NULL;
  SatchelSendHooks hooks;
  int status;

  init_hooks (cli, &hooks);
  hooks.password = password;
  if (timing_origin != 0)
    hooks.step = print_step_timing;
  watch = signal_watch_start ();

  if (satchel_sender_send_item_sync (cli->context, item, FALSE, &hooks,
                                     watch->cancellable, &error))
    {
      print_timing ("sent");
      return 0;
    }

  status = exit_status_for_error (error);
  if (no_queue)
    {
      g_autoptr(GError) remove_error = NULL;

      if (!satchel_outbox_remove (satchel_context_get_outbox (cli->context), item,
                                  &remove_error))
        satchel_cli_print_error_line (remove_error->message);
      satchel_cli_print_error_line (error->message);
      return status;
    }

  if (g_error_matches (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME))
    {
      g_autofree char *line =
        g_strdup_printf (_("%s It stays in the outbox as “unknown” (%s) and is "
                           "not sent again unless you ask."),
                         error->message, satchel_outbox_item_get_id (item));
      satchel_cli_print_error_line (line);
    }
  else if (status == EXIT_TEMPFAIL ||
           satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_QUEUED)
    {
      g_autofree char *line =
        g_strdup_printf (_("%s The message is queued in the outbox (%s) and will be "
                           "retried; do not send it again."),
                         error->message, satchel_outbox_item_get_id (item));
      satchel_cli_print_error_line (line);
      status = EXIT_TEMPFAIL;
    }
  else
    {
      g_autofree char *line =
        g_strdup_printf (_("%s The message stays in the outbox marked failed (%s)."),
                         error->message, satchel_outbox_item_get_id (item));
      satchel_cli_print_error_line (line);
    }

  return status;
}

static int
command_send (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelMessage) message = NULL;
  g_autoptr(SatchelAddress) from = NULL;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autofree char *account_name = NULL;
  g_auto(GStrv) to = NULL, cc = NULL, bcc = NULL, headers = NULL;
  g_auto(GStrv) attach = NULL, inline_files = NULL;
  g_autofree char *reply_to = NULL, *subject = NULL, *body = NULL;
  g_autofree char *body_file = NULL, *html_file = NULL;
  g_autofree char *body_text = NULL, *html_text = NULL;
  g_autoptr(SatchelPassword) password = NULL;
  gboolean no_queue = FALSE;
  GOptionEntry entries[] = {
    { "account", 'a', 0, G_OPTION_ARG_STRING, &account_name,
      N_("The account to send with (default: the default account)"), N_("NAME") },
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to,
      N_("A recipient, “Name <user@host>” or a bare address (repeatable)"), N_("ADDR") },
    { "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc,
      N_("A Cc recipient (repeatable)"), N_("ADDR") },
    { "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bcc,
      N_("A Bcc recipient: receives the message, named in no header (repeatable)"), N_("ADDR") },
    { "reply-to", 0, 0, G_OPTION_ARG_STRING, &reply_to,
      N_("The address replies should go to"), N_("ADDR") },
    { "subject", 's', 0, G_OPTION_ARG_STRING, &subject,
      N_("The subject"), N_("TEXT") },
    { "body", 0, 0, G_OPTION_ARG_STRING, &body,
      N_("The text of the message"), N_("TEXT") },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file,
      N_("Read the text from FILE (- for standard input)"), N_("FILE") },
    { "html-file", 0, 0, G_OPTION_ARG_FILENAME, &html_file,
      N_("Also send this HTML version of the text"), N_("FILE") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attach,
      N_("Attach a file (repeatable)"), N_("FILE") },
    { "inline", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inline_files,
      N_("An image the HTML shows as cid:BASENAME (repeatable)"), N_("FILE") },
    { "header", 0, 0, G_OPTION_ARG_STRING_ARRAY, &headers,
      N_("An extra header (repeatable)"), N_("\"Name: value\"") },
    { "no-queue", 0, 0, G_OPTION_ARG_NONE, &no_queue,
      N_("On failure, remove the message from the outbox instead of keeping it"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose,
      N_("Print the protocol transcript on standard error (passwords redacted)"), NULL },
    /* For bench/run: the same session without PIPELINING. */
    { "no-pipelining", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &cli->no_pipelining,
      NULL, NULL },
    { NULL }
  };
  int status;

  if (g_getenv ("SATCHEL_BENCH_TIMINGS") != NULL)
    timing_origin = g_get_monotonic_time ();

  g_option_context_set_summary (context,
                                _("Send a message. It is written to the outbox first and "
                                  "leaves it only when the server has accepted it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (context, _("send: unexpected argument; put recipients after --to."));
  if (to == NULL && cc == NULL && bcc == NULL)
    return fail_usage (context, _("send: give at least one recipient with --to, --cc or --bcc."));
  if (subject == NULL)
    return fail_usage (context, _("send: --subject is required."));
  if ((body == NULL) == (body_file == NULL))
    return fail_usage (context, _("send: give the text with either --body or --body-file."));
  if (inline_files != NULL && html_file == NULL)
    return fail_usage (context, _("send: --inline needs --html-file, whose HTML shows the image."));

  account = lookup_account (cli, account_name, &error);
  if (account == NULL)
    return fail (error);

  message = satchel_message_new ();
  from = satchel_account_dup_from (account, &error);
  if (from == NULL)
    return fail (error);
  satchel_message_set_from (message, from);

  if (!add_addresses (message, to, satchel_message_add_to, &error) ||
      !add_addresses (message, cc, satchel_message_add_cc, &error) ||
      !add_addresses (message, bcc, satchel_message_add_bcc, &error))
    return fail (error);

  if (reply_to == NULL && satchel_account_get_reply_to (account) != NULL)
    reply_to = g_strdup (satchel_account_get_reply_to (account));
  if (reply_to != NULL)
    {
      char *values[] = { reply_to, NULL };

      if (!add_addresses (message, values, satchel_message_add_reply_to, &error))
        return fail (error);
    }
  if (satchel_account_get_bcc_self (account))
    satchel_message_add_bcc (message, from);

  if (!g_utf8_validate (subject, -1, NULL))
    {
      g_set_error (&error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                   _("The subject is not UTF-8 text."));
      return fail (error);
    }
  satchel_message_set_subject (message, subject);

  if (body_file != NULL)
    {
      if (!read_text_file (body_file, &body_text, &error))
        return fail (error);
    }
  else
    {
      if (!g_utf8_validate (body, -1, NULL))
        {
          g_set_error (&error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                       _("The text given with --body is not UTF-8."));
          return fail (error);
        }
      body_text = g_strdup (body);
    }
  if (satchel_account_get_signature (account) != NULL)
    {
      char *signed_text = g_strconcat (body_text, "\n-- \n",
                                       satchel_account_get_signature (account), NULL);
      g_free (body_text);
      body_text = signed_text;
    }
  satchel_message_set_body (message, body_text);

  if (html_file != NULL)
    {
      if (!read_text_file (html_file, &html_text, &error))
        return fail (error);
      satchel_message_set_html (message, html_text);
    }

  for (guint i = 0; inline_files != NULL && inline_files[i] != NULL; i++)
    satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_INLINE, inline_files[i], NULL);
  for (guint i = 0; attach != NULL && attach[i] != NULL; i++)
    satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, attach[i], NULL);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    if (!satchel_message_add_header_line (message, headers[i], &error))
      return fail (error);

  start_network_warm_up (account);

  /* Before anything is queued: without a password nothing can go. */
  if (!fetch_session_password (account, &password, &error))
    return fail (error);

  print_timing ("queue");
  item = satchel_sender_queue_message (cli->context, account, message, 0, NULL, &error);
  if (item == NULL)
    return fail (error);
  print_timing ("queued");

  return send_queued_item (cli, item, password, no_queue);
}

/* sendmail ------------------------------------------------------------- */

/* Takes the value of a sendmail option given as "-fVALUE" or "-f VALUE". */
static const char *
sendmail_option_value (int    argc,
                       char **argv,
                       int   *i)
{
  if (argv[*i][2] != '\0')
    return argv[*i] + 2;
  if (*i + 1 < argc)
    return argv[++(*i)];
  return NULL;
}

static int
command_sendmail (Cli   *cli,
                  int    argc,
                  char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelAddress) envelope_from = NULL;
  g_autoptr(SatchelAddress) default_from = NULL;
  g_autoptr(SatchelAddress) header_from = NULL;
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *sender = NULL;
  g_autoptr(SatchelPassword) password = NULL;
  SatchelOutbox *outbox = satchel_context_get_outbox (cli->context);
  SatchelAccountStore *store = satchel_context_get_accounts (cli->context);
  const char *account_name = NULL;
  const char *from_option = NULL;
  const char *full_name = NULL;
  gboolean take_recipients = FALSE;
  gboolean needs_8bit = FALSE, needs_smtputf8 = FALSE;
  gboolean options_done = FALSE;
  int fd = -1;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (options_done || arg[0] != '-' || arg[1] == '\0')
        {
          g_autoptr(GPtrArray) list = satchel_address_parse_list (arg, &error);

          if (list == NULL)
            return fail (error);
          for (guint j = 0; j < list->len; j++)
            g_ptr_array_add (recipients, satchel_address_to_envelope (g_ptr_array_index (list, j)));
          continue;
        }

      if (g_str_equal (arg, "--"))
        options_done = TRUE;
      else if (g_str_equal (arg, "--account") || g_str_equal (arg, "-a"))
        {
          if (++i >= argc)
            return fail_usage (NULL, _("sendmail: --account needs a NAME."));
          account_name = argv[i];
        }
      else if (g_str_has_prefix (arg, "--account="))
        account_name = arg + strlen ("--account=");
      else if (g_str_equal (arg, "--verbose") || g_str_equal (arg, "-v"))
        cli->verbose = TRUE;
      else if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          g_print ("%s\n", _("Usage: satchel-cli sendmail [-t] [-i] [-f FROM] [-F NAME] "
                             "[--account NAME] [--] [RCPT ...] < MESSAGE"));
          g_print ("\n%s\n", _("Reads an RFC 5322 message on standard input and sends it, "
                               "like sendmail.\n"
                               "  -t            also send to the To, Cc and Bcc addresses "
                               "(the Bcc header is removed)\n"
                               "  -i, -oi       accepted (a lone dot never ends the input)\n"
                               "  -f FROM       the envelope sender\n"
                               "  -F NAME       the sender’s name, when the message has no From\n"
                               "  -o…, -B…, -N… accepted and ignored\n"
                               "  --account     the account (default: the one whose address "
                               "is the From address, else the default account)"));
          return 0;
        }
      else if (g_str_equal (arg, "-t"))
        take_recipients = TRUE;
      else if (g_str_equal (arg, "-i"))
        ;
      else if (arg[1] == 'f' || arg[1] == 'r')
        {
          from_option = sendmail_option_value (argc, argv, &i);
          if (from_option == NULL)
            return fail_usage (NULL, _("sendmail: -f needs an address."));
        }
      else if (arg[1] == 'F')
        {
          full_name = sendmail_option_value (argc, argv, &i);
          if (full_name == NULL)
            return fail_usage (NULL, _("sendmail: -F needs a name."));
        }
      else if (arg[1] == 'o' || arg[1] == 'B' || arg[1] == 'N' || arg[1] == 'b' ||
               arg[1] == 'U' || arg[1] == 'e' || arg[1] == 'm' || arg[1] == 'X' ||
               arg[1] == 'R' || arg[1] == 'V' || arg[1] == 'L' || arg[1] == 'd')
        {
          /* -oi, -oem, -odi, -bm and friends: accepted, as CLI.md says.
           * Those that take a separate value do so only with a space. */
          if ((g_str_equal (arg, "-N") || g_str_equal (arg, "-R") ||
               g_str_equal (arg, "-V") || g_str_equal (arg, "-L") ||
               g_str_equal (arg, "-B") || g_str_equal (arg, "-X")) && i + 1 < argc)
            i++;
        }
      else
        {
          g_autofree char *line = g_strdup_printf (_("sendmail: unknown option “%s”."), arg);
          return fail_usage (NULL, line);
        }
    }

  if (!satchel_account_store_load (store, &error))
    return fail (error);
  if (account_name != NULL)
    {
      account = lookup_account (cli, account_name, &error);
      if (account == NULL)
        return fail (error);
    }

  if (from_option != NULL)
    {
      envelope_from = satchel_address_parse (from_option, &error);
      if (envelope_from == NULL)
        return fail (error);
      default_from = satchel_address_copy (envelope_from);
    }
  else
    {
      g_autoptr(SatchelAccount) fallback = NULL;
      SatchelAccount *source = account;

      if (source == NULL)
        {
          fallback = satchel_account_store_get_default (store, NULL);
          source = fallback;
        }
      if (source != NULL)
        {
          default_from = satchel_account_dup_from (source, &error);
          if (default_from == NULL)
            return fail (error);
        }
    }

  item = satchel_outbox_begin (outbox, &fd, &error);
  if (item == NULL)
    return fail (error);

  input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  output = g_unix_output_stream_new (fd, FALSE);
  if (satchel_mime_read_sendmail (input, output, take_recipients, default_from, full_name,
                                  recipients, &header_from, &subject,
                                  &needs_8bit, &needs_smtputf8, NULL, &error) < 0 ||
      !g_output_stream_flush (output, NULL, &error))
    {
      satchel_outbox_abort (outbox, item, fd);
      return fail (error);
    }

  if (recipients->len == 0)
    {
      satchel_outbox_abort (outbox, item, fd);
      return fail_usage (NULL, _("sendmail: no recipients: name them as arguments, "
                                 "or use -t to take them from the message."));
    }

  if (account == NULL && header_from != NULL)
    {
      g_autofree char *address = satchel_address_to_envelope (header_from);
      account = satchel_account_store_lookup_by_address (store, address);
    }
  if (account == NULL)
    account = satchel_account_store_get_default (store, &error);
  if (account == NULL)
    {
      satchel_outbox_abort (outbox, item, fd);
      return fail (error);
    }

  if (envelope_from != NULL)
    sender = satchel_address_to_envelope (envelope_from);
  else
    {
      g_autoptr(SatchelAddress) account_address = satchel_account_dup_from (account, &error);

      if (account_address == NULL)
        {
          satchel_outbox_abort (outbox, item, fd);
          return fail (error);
        }
      sender = satchel_address_to_envelope (account_address);
    }

  /* Standard input was the message: no one can type a password now. */
  if (!fetch_session_password (account, &password, &error))
    {
      satchel_outbox_abort (outbox, item, fd);
      return fail (error);
    }

  g_ptr_array_add (recipients, NULL);
  satchel_outbox_item_set_account (item, satchel_account_get_name (account));
  satchel_outbox_item_set_sender (item, sender);
  satchel_outbox_item_set_recipients (item, (const char * const *) recipients->pdata);
  satchel_outbox_item_set_subject (item, subject);
  satchel_outbox_item_set_needs_8bit (item, needs_8bit);
  satchel_outbox_item_set_needs_smtputf8 (item, needs_smtputf8);
  if (!satchel_outbox_commit (outbox, item, fd, &error))
    return fail (error);

  return send_queued_item (cli, item, password, FALSE);
}

/* Outbox --------------------------------------------------------------- */

/* A field of a tab-separated line: no tabs or line breaks inside. */
static char *
tsv_field (const char *text)
{
  char *field = g_strdup (text != NULL && *text != '\0' ? text : "-");

  return g_strdelimit (field, "\t\r\n", ' ');
}

static int
outbox_list (Cli   *cli,
             int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("List the outbox, one message per line: "
                                           "ID STATE SUBJECT LAST-ERROR"));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (context, _("outbox list takes no arguments."));

  items = satchel_outbox_list (satchel_context_get_outbox (cli->context), &error);
  if (items == NULL)
    return fail (error);

  for (guint i = 0; i < items->len; i++)
    {
      SatchelOutboxItem *item = g_ptr_array_index (items, i);
      g_autofree char *subject = tsv_field (satchel_outbox_item_get_subject (item));
      g_autofree char *last_error = tsv_field (satchel_outbox_item_get_last_error (item));

      g_print ("%s\t%s\t%s\t%s\n",
               satchel_outbox_item_get_id (item),
               satchel_outbox_state_to_string (satchel_outbox_item_get_state (item)),
               subject, last_error);
    }

  return 0;
}

static int
outbox_flush (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean resend_unknown = FALSE;
  GOptionEntry entries[] = {
    { "resend-unknown", 0, 0, G_OPTION_ARG_NONE, &resend_unknown,
      N_("Also resend messages in state “unknown”, which the server may already "
         "have (check the recipient’s mailbox first)"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose,
      N_("Print the protocol transcript on standard error (passwords redacted)"), NULL },
    { NULL }
  };
  SatchelSendHooks hooks;
  g_autoptr(SignalWatch) watch = NULL;
  guint n_failed = 0;
  int status;

  g_option_context_set_summary (context,
                                _("Send what is due in the outbox: queued messages whose "
                                  "retry time has come and held messages whose undo time "
                                  "is over. Failed messages wait for the user; “unknown” "
                                  "ones are skipped unless --resend-unknown."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (context, _("outbox flush takes no arguments."));

  init_hooks (cli, &hooks);
  watch = signal_watch_start ();
  satchel_sender_flush_sync (cli->context, resend_unknown, &hooks, &n_failed,
                             watch->cancellable, &error);
  if (error != NULL)
    return fail (error);

  return 0;
}

static int
outbox_discard (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  SatchelOutbox *outbox = satchel_context_get_outbox (cli->context);
  int status;

  g_option_context_set_summary (context, _("Remove a message from the outbox for good."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (context, _("outbox discard: give exactly one message ID "
                                  "(“outbox list” shows them)."));

  item = satchel_outbox_lookup (outbox, argv[1], &error);
  if (item == NULL)
    return fail (error);
  if (!satchel_outbox_lock (outbox, item, &error))
    return fail (error);
  if (!satchel_outbox_remove (outbox, item, &error))
    {
      satchel_outbox_unlock (outbox, item);
      return fail (error);
    }
  satchel_outbox_unlock (outbox, item);

  return 0;
}

static const Command outbox_commands[] = {
  { "list", outbox_list, N_("List the messages in the outbox") },
  { "flush", outbox_flush, N_("Send what is due") },
  { "discard", outbox_discard, N_("Remove a message for good") },
  { NULL }
};

/* Dispatch ------------------------------------------------------------- */

static void
print_commands (const char    *group,
                const Command *commands)
{
  for (guint i = 0; commands[i].name != NULL; i++)
    {
      g_autofree char *name = group ? g_strdup_printf ("%s %s", group, commands[i].name)
                                    : g_strdup (commands[i].name);
      g_print ("  %-22s %s\n", name, _(commands[i].summary));
    }
}

static void
print_usage (void)
{
  g_print ("%s\n\n", _("Usage: satchel-cli COMMAND [OPTION…]"));
  g_print ("%s\n\n", _("Send mail through your Satchel accounts, from scripts and terminals."));
  g_print ("%s\n", _("Commands:"));
  print_commands ("account", account_commands);
  g_print ("  %-22s %s\n", "send", _("Send a message"));
  g_print ("  %-22s %s\n", "sendmail", _("Send a message read from standard input, like sendmail"));
  print_commands ("outbox", outbox_commands);
  satchel_cli_contacts_print_commands ();
  g_print ("\n%s\n", _("“satchel-cli COMMAND --help” describes a command’s options."));
  g_print ("%s\n", _("Exit status: 0 done, 64 usage, 65 bad input, 69 permanent failure, "
                     "75 temporary failure (the message is queued), 77 authentication, "
                     "78 configuration."));
}

static int
run_group (Cli           *cli,
           const char    *group,
           const Command *commands,
           int            argc,
           char         **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print (_("Usage: satchel-cli %s COMMAND [OPTION…]\n\n"), group);
      print_commands (group, commands);
      return argc < 2 ? EXIT_USAGE : 0;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("satchel-cli %s %s", group, argv[1]);

        g_set_prgname (prgname);
        return commands[i].func (cli, argc - 1, argv + 1);
      }

  {
    g_autofree char *line = g_strdup_printf (_("Unknown command “%s %s”."), group, argv[1]);
    return fail_usage (NULL, line);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SatchelContext) context = NULL;
  g_autofree char *base = NULL;
  Cli cli = { 0 };
  int status;

  satchel_paths_init_i18n ();
  g_set_prgname ("satchel-cli");

  satchel_mime_init ();
  context = satchel_context_new ();
  cli.context = context;

  /* Installed as "sendmail", it is sendmail. */
  base = g_path_get_basename (argv[0]);
  if (g_str_equal (base, "sendmail"))
    return command_sendmail (&cli, argc, argv);

  if (argc < 2)
    {
      print_usage ();
      return EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage ();
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("satchel-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_str_equal (argv[1], "account"))
    status = run_group (&cli, "account", account_commands, argc - 1, argv + 1);
  else if (g_str_equal (argv[1], "outbox"))
    status = run_group (&cli, "outbox", outbox_commands, argc - 1, argv + 1);
  else if (g_str_equal (argv[1], "contacts"))
    status = satchel_cli_contacts_run (argc - 1, argv + 1);
  else if (g_str_equal (argv[1], "send"))
    {
      g_set_prgname ("satchel-cli send");
      status = command_send (&cli, argc - 1, argv + 1);
    }
  else if (g_str_equal (argv[1], "sendmail"))
    status = command_sendmail (&cli, argc - 1, argv + 1);
  else
    {
      g_autofree char *line = g_strdup_printf (_("Unknown command “%s”."), argv[1]);
      status = fail_usage (NULL, line);
      g_printerr (_("Try “%s --help” for more information.\n"), "satchel-cli");
    }

  return status;
}
