//! The local file store: one file per key under a folder (`data/files` by
//! default), written to a temporary name then renamed, so a reader never
//! sees half a file. Keys are made by the application (`documents/{ws}/{id}`)
//! and checked here anyway: no `..`, no absolute path.

use super::ports::FileStore;
use std::path::{Path, PathBuf};

/// Default folder.
pub const DEFAULT_DIR: &str = "data/files";

/// The adapter.
pub struct LocalFileStore {
    root: PathBuf,
}

impl LocalFileStore {
    /// A store under `root` (created on first write).
    pub fn new(root: PathBuf) -> LocalFileStore {
        LocalFileStore { root }
    }

    fn path(&self, key: &str) -> Result<PathBuf, String> {
        let safe = !key.is_empty()
            && key
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
        if !safe || Path::new(key).is_absolute() {
            return Err(format!("invalid key {key:?}"));
        }
        Ok(self.root.join(key))
    }
}

#[async_trait::async_trait]
impl FileStore for LocalFileStore {
    fn adapter(&self) -> &'static str {
        "local"
    }

    async fn put(&self, key: &str, bytes: Vec<u8>, _content_type: &str) -> Result<(), String> {
        let path = self.path(key)?;
        let dir = path.parent().ok_or("no parent")?.to_path_buf();
        let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::now_v7().simple()));
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &path)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), String> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_reads_and_refuses_escaping_keys() {
        let dir = std::env::temp_dir().join(format!("comptoir-files-{}", uuid::Uuid::now_v7().simple()));
        let store = LocalFileStore::new(dir.clone());
        store
            .put("documents/a/b", b"%PDF-1.7".to_vec(), "application/pdf")
            .await
            .unwrap();
        assert_eq!(store.get("documents/a/b").await.unwrap().unwrap(), b"%PDF-1.7");
        assert_eq!(store.get("documents/a/c").await.unwrap(), None);
        for bad in ["../etc/passwd", "/etc/passwd", "a//b", "a/./b", ""] {
            assert!(store.put(bad, vec![1], "x").await.is_err(), "{bad}");
        }
        store.delete("documents/a/b").await.unwrap();
        store.delete("documents/a/b").await.unwrap();
        assert_eq!(store.get("documents/a/b").await.unwrap(), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
