"""Parser processes start even when sys.stderr has no file descriptor, as under Textual."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_pool_starts_when_stderr_is_a_capture_object(tmp_path) -> None:
    script = textwrap.dedent("""
        import http.server, sys, threading
        from veille_tui.core.feeds.http import FetchRequest, FetchSettings, fetch_feeds

        RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' + b''.join(
            b'<item><title>Story %d</title><link>https://e.org/%d</link><guid>%d</guid></item>' % (n, n, n) for n in range(5)
        ) + b'</channel></rss>'

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(RSS)))
                self.end_headers()
                self.wfile.write(RSS)
            def log_message(self, *args):
                pass

        class Capture:  # what Textual puts in sys.stderr while the app runs
            def write(self, text): return len(text)
            def flush(self): pass
            def fileno(self): return -1

        if __name__ == "__main__":
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            base = f"http://127.0.0.1:{server.server_address[1]}"
            sys.stderr = Capture()
            results = fetch_feeds([FetchRequest(f"{base}/{n}.xml") for n in range(6)], FetchSettings(parse_workers=2))
            sys.stderr = sys.__stderr__
            print([(r.status, r.error, len(r.items)) for r in results])
            assert all(r.status == "ok" and len(r.items) == 5 for r in results), results
    """)
    path = tmp_path / "under_tui.py"
    path.write_text(script)
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
