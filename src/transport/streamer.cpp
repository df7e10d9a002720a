#include "transport/streamer.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>

#include "bus/channels.hpp"
#include "service/sessions.hpp"

namespace parley::transport {

namespace asio = boost::asio;

namespace {
// Events read per store round trip during catch-up; and how many live frames a
// catching-up feed holds before it drops them and re-reads from the store instead.
constexpr int k_catch_up_page = 200;
constexpr std::size_t k_max_held = 1024;
}  // namespace

Streamer::Streamer(Services& s, hub::Shard& shard, hub::Format format, metrics::Transport transport,
                   Identity who)
    : s_(s), shard_(shard), who_(std::move(who)), format_(format), transport_(transport) {
  shard_.add_drainable(this);
  s_.presence.add(who_.user.id);
}

Streamer::~Streamer() {
  detach();
}

void Streamer::detach() {
  if (!attached_) return;
  attached_ = false;
  std::vector<std::string> rooms;
  rooms.reserve(feeds_.size() + 1);
  for (const auto& feed : feeds_) rooms.push_back(feed.room);
  if (listening_) rooms.push_back(bus::user_channel(who_.user.id));
  shard_.forget(this, rooms);
  shard_.remove_drainable(this);
  s_.presence.remove(who_.user.id);
  feeds_.clear();
  listening_ = false;
}

Streamer::Feed* Streamer::find_feed(std::string_view room) {
  for (auto& feed : feeds_) {
    if (feed.room == room) return &feed;
  }
  return nullptr;
}

const Streamer::Feed* Streamer::find_feed(std::string_view room) const {
  return const_cast<Streamer*>(this)->find_feed(room);
}

void Streamer::follow(const std::string& room, chat::Seq after) {
  Feed* feed = find_feed(room);
  if (!feed) {
    feed = &feeds_.emplace_back();
    feed->room = room;
  }
  feed->generation = ++generations_;
  feed->last = after;
  feed->held.reset();
  feed->overflowed = false;
  feed->catching_up = false;
  shard_.subscribe(room, this);
  // Always catch up once: events committed between the caller's read of `after`
  // and the subscription above are in the store, not in the live stream.
  start_catch_up(*feed);
}

void Streamer::listen_user_channel() {
  listening_ = true;
  serial_ = service::Sessions::next_serial();
  // Subscribed before the kick goes out, so a newer connection's kick (which carries
  // a later serial) cannot miss this one.
  shard_.subscribe(bus::user_channel(who_.user.id), this);
  s_.sessions.kick_older(who_.user.id, serial_);
}

void Streamer::unfollow(const std::string& room) {
  shard_.unsubscribe(room, this);
  std::erase_if(feeds_, [&](const Feed& f) { return f.room == room; });
}

void Streamer::deliver(const hub::FramesPtr& frames) {
  if (closed_ || kicked_ || delivery_stopped_) return;
  Feed* found = nullptr;
  const bool own_channel = on_user_channel(frames);
  if (own_channel && frames->kick_before != 0) {
    // Only a newer connection's kick counts: our own comes back to us too.
    if (frames->kick_before <= serial_ || !s_.options.single_session) return;
    const auto& notice = frames->get(format_);
    if (!notice) return;
    kicked_ = true;
    on_kicked(notice);
    return;
  }
  if (!own_channel) {
    found = find_feed(frames->room);
    if (!found) return;
  }
  const auto& frame = frames->get(format_);
  if (!frame) return;
  if (frames->seq == 0) {  // transient: no order to keep
    enqueue(frame);
    return;
  }
  if (!found) return;  // the user channel carries transient notices only
  Feed& feed = *found;
  if (feed.catching_up) {
    if (!feed.held || feed.held->size() < k_max_held) {
      hold(feed, frames);
    } else {
      feed.overflowed = true;  // the store has them all; re-read instead of holding
    }
    return;
  }
  if (frames->seq <= feed.last) return;  // already sent (replayed)
  if (frames->seq == feed.last + 1) {
    feed.last = frames->seq;
    enqueue(frame);
    return;
  }
  // A gap: something was published out of this shard's sight (another instance,
  // or a subscribe racing a publish). The store has it.
  hold(feed, frames);
  start_catch_up(feed);
}

void Streamer::hold(Feed& feed, const hub::FramesPtr& frames) {
  if (!feed.held) feed.held = std::make_unique<std::vector<hub::FramesPtr>>();
  feed.held->push_back(frames);
}

void Streamer::start_catch_up(Feed& feed) {
  if (feed.catching_up) return;
  feed.catching_up = true;
  asio::co_spawn(shard_.context(), catch_up(feed.room, feed.generation), asio::detached);
}

asio::awaitable<void> Streamer::catch_up(std::string room, std::uint32_t generation) {
  auto self = shared_from_this();  // the session lives while its catch-up runs
  // Looked up again after every suspension: feeds_ may have changed meanwhile.
  auto current = [&]() -> Feed* {
    if (closed_ || delivery_stopped_) return nullptr;
    Feed* feed = find_feed(room);
    return feed && feed->generation == generation ? feed : nullptr;
  };
  while (true) {
    // Don't read more than the client is taking: wait while the queue is half full.
    while (current() && queued_bytes() > s_.options.max_queue_bytes / 2) {
      if (!drained_) drained_ = std::make_unique<asio::steady_timer>(shard_.context());
      // A local reference: the timer outlives this wait (see blocking.hpp on GCC 12).
      auto& timer = *drained_;
      timer.expires_at(asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    Feed* feed = current();
    if (!feed) co_return;
    store::HistoryQuery q{room, std::nullopt, feed->last, k_catch_up_page};
    auto page = co_await s_.messages.history(q);
    feed = current();
    if (!feed) co_return;
    if (!page) {
      feed->catching_up = false;
      on_store_error(room, page.error());
      co_return;
    }
    // Also when retention (RETENTION_DAYS) emptied the log: earliest_seq is then
    // last_seq + 1, and the client must still hear that what it missed is gone.
    if (page->earliest_seq > feed->last + 1) {
      if (!enqueue(encode_reset(room, page->earliest_seq))) co_return;
      feed->last = page->earliest_seq - 1;
    }
    bool paused = false;
    for (const auto& e : page->events) {
      if (e.seq <= feed->last) continue;
      if (e.seq != feed->last + 1) break;  // not yet committed in order; read again
      // The client is behind: stop filling and wait for it (top of the loop), then
      // read on from here. A replay never trips the slow-subscriber bound by itself.
      if (queued_bytes() > s_.options.max_queue_bytes / 2) {
        paused = true;
        break;
      }
      feed->last = e.seq;
      if (!enqueue(encode_replayed(e))) co_return;
    }
    shard_.mark_dirty(this);
    if (page->has_more || paused) continue;
    if (feed->overflowed) {
      feed->overflowed = false;
      feed->held.reset();
      continue;
    }
    // Caught up with the store: release what arrived live meanwhile, in order.
    bool gap = false;
    static const std::vector<hub::FramesPtr> none;
    for (const auto& frames : feed->held ? *feed->held : none) {
      if (frames->seq <= feed->last) continue;
      if (frames->seq != feed->last + 1) {
        gap = true;
        break;
      }
      feed->last = frames->seq;
      if (!enqueue(frames->get(format_))) co_return;
    }
    if (gap && page->last_seq > feed->last) continue;  // the store has more now
    feed->held.reset();
    feed->catching_up = false;
    co_return;
  }
}

bool Streamer::enqueue(hub::FramePtr frame) {
  if (closed_ || delivery_stopped_) return false;
  pending_bytes_ += frame->size();
  pending_.push_back(std::move(frame));
  if (!within_bound()) return false;
  shard_.mark_dirty(this);
  return true;
}

bool Streamer::within_bound() {
  if (closed_) return false;
  const std::size_t queued = queued_bytes();
  const std::size_t bound = s_.options.max_queue_bytes;
  // Slow means the socket does not take what it is sent: output past the bound waits
  // behind a write that has not finished. Output queued between two flushes of a
  // reader that keeps up is not that (a burst of sends, or a shard thread that was
  // descheduled): the next flush writes it, so it may reach twice the bound, which
  // still bounds the memory a connection holds.
  if (queued <= bound || (!writing_ && queued <= 2 * bound)) return true;
  // A slow subscriber never slows others (API.md 4): drop it; it resumes from its
  // last seq when it reconnects.
  s_.metrics.slow_subscriber_disconnected();
  spdlog::debug("closing slow subscriber {} ({} bytes queued)", who_.user.id, queued_bytes());
  mark_closed();
  abort();
  return false;
}

void Streamer::flush() {
  if (closed_ || writing_ || (pending_.empty() && !wants_write())) return;
  writing_ = true;
  inflight_.swap(pending_);
  inflight_bytes_ = pending_bytes_;
  pending_bytes_ = 0;
  if (!inflight_.empty()) s_.metrics.delivered(transport_, inflight_.size(), shard_.index());
  write_batch(inflight_);
}

void Streamer::mark_closed() {
  closed_ = true;
  pending_.clear();
  pending_bytes_ = 0;
  wake_catch_up();
}

void Streamer::stop_delivery() {
  delivery_stopped_ = true;
  wake_catch_up();  // a catch-up waiting for room in the queue ends
}

void Streamer::wake_catch_up() {
  if (drained_) drained_->cancel();
}

void Streamer::release_idle() {
  if (writing_ || !pending_.empty()) return;
  // swap, not `= {}`: assigning an empty list keeps the capacity.
  std::vector<hub::FramePtr>().swap(pending_);
  std::vector<hub::FramePtr>().swap(inflight_);
}

void Streamer::write_done(bool ok) {
  writing_ = false;
  inflight_.clear();
  inflight_bytes_ = 0;
  wake_catch_up();
  if (!ok) {
    mark_closed();
    return;
  }
  if (!pending_.empty()) shard_.mark_dirty(this);
}

}  // namespace parley::transport
