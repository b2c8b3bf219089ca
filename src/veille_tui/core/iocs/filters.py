"""What is not an indicator, though it looks like one: private and documentation address ranges,
public resolvers, version numbers, file names, reserved names, the article's own site, share links,
and the names of well-known services and references (a report links to them; it does not accuse
them). Pure functions over one candidate and its context."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = ["keep_domain", "keep_email", "keep_ip", "keep_url", "registered", "site_of"]

# public resolvers and connectivity checks: named by malware and reports alike, never an indicator
_RESOLVERS = frozenset(
    {"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112", "208.67.222.222", "208.67.220.220"}
)
# RFC 2606/6761 and habits of lab networks
_RESERVED_TLDS = frozenset(
    {"local", "internal", "example", "invalid", "test", "localhost", "lan", "home", "corp", "onion"}
)
_EXAMPLE = frozenset({"example.com", "example.net", "example.org"})
# file extensions that are also top-level domains: `readme.md`, `main.py`, `install.sh`, `invoice.zip`
_FILE_TLDS = frozenset(
    {"md", "py", "sh", "rs", "zip", "mov", "pl", "so", "ai", "cc", "in", "ps", "cs", "js", "ts", "go", "rb"}
)
# reference sites, vendors, news, social networks: a report names them, plain, as sources
_BENIGN = frozenset(
    """
    microsoft.com windows.com office.com live.com msn.com bing.com azure.com azureedge.net windowsupdate.com
    apple.com icloud.com google.com googleblog.com gstatic.com youtube.com youtu.be android.com chromium.org
    mozilla.org firefox.com amazon.com amazonaws.com aws.amazon.com cloudflare.com akamai.com fastly.net
    twitter.com x.com t.co facebook.com fb.com instagram.com linkedin.com reddit.com mastodon.social bsky.app
    threads.net tiktok.com telegram.org whatsapp.com wikipedia.org wikimedia.org medium.com substack.com
    slideshare.net github.com github.io gitlab.com bitbucket.org npmjs.com pypi.org python.org nodejs.org
    docker.com stackoverflow.com readthedocs.io apache.org kernel.org debian.org ubuntu.com redhat.com
    suse.com oracle.com ibm.com cisco.com citrix.com fortinet.com fortiguard.com paloaltonetworks.com
    vmware.com broadcom.com ivanti.com juniper.net sophos.com eset.com kaspersky.com trendmicro.com
    crowdstrike.com sentinelone.com mandiant.com fireeye.com checkpoint.com zscaler.com proofpoint.com
    talosintelligence.com unit42.paloaltonetworks.com securelist.com welivesecurity.com symantec.com
    mcafee.com trellix.com rapid7.com tenable.com qualys.com splunk.com elastic.co atlassian.com
    adobe.com sap.com samsung.com intel.com amd.com nvidia.com dell.com hp.com hpe.com lenovo.com
    nist.gov cve.org mitre.org cisa.gov us-cert.gov fbi.gov ic3.gov justice.gov europa.eu enisa.europa.eu
    ncsc.gov.uk cert.ssi.gouv.fr ssi.gouv.fr bsi.bund.de first.org owasp.org sans.org isc.sans.edu
    virustotal.com any.run hybrid-analysis.com urlscan.io abuse.ch shodan.io censys.io greynoise.io
    exploit-db.com packetstormsecurity.com hackerone.com bugcrowd.com
    bleepingcomputer.com therecord.media securityweek.com thehackernews.com krebsonsecurity.com
    darkreading.com theregister.com arstechnica.com wired.com zdnet.com techcrunch.com reuters.com
    bloomberg.com nytimes.com washingtonpost.com bbc.co.uk theguardian.com cyberscoop.com helpnetsecurity.com
    sharepoint.com onedrive.com dropbox.com box.com wordpress.com blogspot.com
    """.split()
)
# public services attackers use (a URL there can be an indicator; the service's name is not)
_SERVICES = frozenset(
    """
    githubusercontent.com google.com googleusercontent.com discord.com discordapp.com pastebin.com
    protonmail.com proton.me gmail.com outlook.com hotmail.com yahoo.com mail.ru yandex.ru yandex.com
    gmx.com gmx.net aol.com icloud.com tutanota.com onionmail.org telegram.me t.me ngrok.io ngrok-free.app
    trycloudflare.com workers.dev pages.dev herokuapp.com azurewebsites.net blob.core.windows.net
    web.app firebaseapp.com appspot.com netlify.app vercel.app glitch.me duckdns.org no-ip.com
    """.split()
)
_SHARE = re.compile(r"/(?:intent/tweet|sharer|shareArticle|submit|share)\b", re.IGNORECASE)
_SLD = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "gouv", "or", "ne", "go"})
_VERSION_WORDS = re.compile(
    r"(?:\bv|\b(?:version|versions|ver|build|builds|release|releases|firmware|fw|patch|update|upgrade"
    r"|[a-z]*os|[a-z]+-os|oid|from|to|through|and|or)\s+)$",
    re.IGNORECASE,
)
_VERSION_LEAD = re.compile(r"\b(?:version|versions|ver|build|release|firmware|[a-z]*os|v)\b", re.IGNORECASE)


def registered(host: str) -> str:
    """The registered domain of a host, near enough without the public suffix list."""
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SLD:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def site_of(link: str) -> str:
    """The registered domain of an entry's link (its own site), or ""."""
    try:
        host = urlsplit(link).hostname or ""
    except ValueError:
        return ""
    return registered(host.lower()) if "." in host else ""


def _under(host: str, names: frozenset[str]) -> bool:
    labels = host.split(".")
    return any(".".join(labels[i:]) in names for i in range(len(labels) - 1))


def keep_ip(value: str, *, defanged: bool, before: str) -> bool:
    """A public address, not a resolver, not a version number (`FortiOS 7.2.5.1`, `v1.2.3.4`)."""
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    if not ip.is_global or ip.is_multicast or value in _RESOLVERS:
        return False
    if ip.version == 4 and not defanged:
        if _VERSION_WORDS.search(before[-24:]) and _VERSION_LEAD.search(before[-80:]):
            return False
        if before.endswith(("v", "V", ".")):
            return False
    return True


def keep_domain(host: str, *, defanged: bool, own: str) -> bool:
    """Not reserved, not the site's own, not a well-known service, not a file name (unless defanged)."""
    tld = host.rpartition(".")[2]
    if "." not in host or tld in _RESERVED_TLDS or registered(host) in _EXAMPLE:
        return False
    if own and (host == own or host.endswith("." + own)):
        return False
    if _under(host, _BENIGN) or _under(host, _SERVICES):
        return False
    return defanged or tld not in _FILE_TLDS


def keep_url(url: str, *, defanged: bool, own: str) -> bool:
    """A URL to an indicator: not the site's own, not a share link, not a plain reference link."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if not host or host == "localhost" or parts.scheme not in {"http", "https", "ftp"}:
        return False
    if host.replace(".", "").isdigit() or ":" in host:
        return keep_ip(host, defanged=True, before="")
    tld = host.rpartition(".")[2]
    if tld in _RESERVED_TLDS or registered(host) in _EXAMPLE or (own and (host == own or host.endswith("." + own))):
        return False
    if _under(host, _BENIGN) and (_SHARE.search(parts.path) or not defanged):
        return False
    return defanged or not _under(host, _SERVICES)


def keep_email(address: str, *, own: str) -> bool:
    """Not at the site's own domain, a reserved one or a well-known organisation's."""
    domain = address.rpartition("@")[2]
    if "." not in domain or domain.rpartition(".")[2] in _RESERVED_TLDS or registered(domain) in _EXAMPLE:
        return False
    if own and (domain == own or domain.endswith("." + own)):
        return False
    return not _under(domain, _BENIGN)
