//! A small least-recently-used cache bounded by total size, for rendered
//! documents that are asked for again unchanged (draft previews).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Values by key, evicting the least recently used once `budget` bytes are held.
pub struct BytesCache {
    inner: Mutex<Inner>,
    budget: usize,
}

struct Inner {
    map: HashMap<String, Arc<Vec<u8>>>,
    order: VecDeque<String>,
    held: usize,
}

impl BytesCache {
    /// An empty cache holding at most `budget` bytes.
    pub fn new(budget: usize) -> BytesCache {
        BytesCache {
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                order: VecDeque::new(),
                held: 0,
            }),
            budget,
        }
    }

    /// The value of `key`, marked as just used.
    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let value = inner.map.get(key).cloned()?;
        if let Some(pos) = inner.order.iter().position(|k| k == key) {
            inner.order.remove(pos);
        }
        inner.order.push_back(key.to_string());
        Some(value)
    }

    /// Stores `value` (values larger than the whole budget are not kept).
    pub fn put(&self, key: String, value: Arc<Vec<u8>>) {
        if value.len() > self.budget {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = inner.map.remove(&key) {
            inner.held -= old.len();
            if let Some(pos) = inner.order.iter().position(|k| *k == key) {
                inner.order.remove(pos);
            }
        }
        while inner.held + value.len() > self.budget {
            let Some(oldest) = inner.order.pop_front() else { break };
            if let Some(old) = inner.map.remove(&oldest) {
                inner.held -= old.len();
            }
        }
        inner.held += value.len();
        inner.order.push_back(key.clone());
        inner.map.insert(key, value);
    }

    /// Bytes held.
    pub fn held(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used_within_the_budget() {
        let cache = BytesCache::new(10);
        cache.put("a".into(), Arc::new(vec![0; 4]));
        cache.put("b".into(), Arc::new(vec![0; 4]));
        assert!(cache.get("a").is_some());
        cache.put("c".into(), Arc::new(vec![0; 4]));
        assert!(cache.get("b").is_none(), "b was the least recently used");
        assert!(cache.get("a").is_some() && cache.get("c").is_some());
        assert_eq!(cache.held(), 8);
        cache.put("big".into(), Arc::new(vec![0; 11]));
        assert!(cache.get("big").is_none());
        cache.put("a".into(), Arc::new(vec![0; 2]));
        assert_eq!(cache.held(), 6);
    }
}
