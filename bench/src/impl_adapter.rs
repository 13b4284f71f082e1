//! The workload through [`SeaOrmAdapter`] (or any [`Adapter`] on the default tables, such as the `CachedAdapter`
//! around it), as an application calls it.

use async_trait::async_trait;
use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterSession, NewUser, SeaOrmAdapter, SessionUpdate, VerificationToken,
};
use chrono::{DateTime, Utc};

use crate::plan::{AccountSpec, SessionSpec, UserSpec, VerificationTokenSpec};
use crate::workload::{FoundSession, Result, Workload};

pub(crate) fn date(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).expect("plan dates are in range")
}

pub(crate) struct AdapterWorkload<A = SeaOrmAdapter>(pub(crate) A);

#[async_trait]
impl<A: Adapter<Extra = (), NewExtra = ()> + 'static> Workload for AdapterWorkload<A> {
    async fn create_user(&self, u: &UserSpec) -> Result<(String, String)> {
        let user = self
            .0
            .create_user(NewUser {
                id: Some(u.id.clone()),
                name: Some(u.name.clone()),
                email: Some(u.email.clone()),
                email_verified: Some(date(u.email_verified)),
                image: Some(u.image.clone()),
                extra: (),
            })
            .await?;
        Ok((user.id, user.email.unwrap_or_default()))
    }

    async fn link_account(&self, a: &AccountSpec, user_id: &str) -> Result<(String, String)> {
        let mut account = AdapterAccount::new(user_id, AccountType::Oauth, &a.provider, &a.provider_account_id);
        account.access_token = Some(a.access_token.clone());
        account.refresh_token = Some(a.refresh_token.clone());
        account.expires_at = Some(a.expires_at);
        account.token_type = Some(a.token_type.clone());
        account.scope = Some(a.scope.clone());
        account.id_token = Some(a.id_token.clone());
        let account = self.0.link_account(account).await?;
        Ok((account.user_id, account.provider_account_id))
    }

    async fn create_session(&self, s: &SessionSpec, user_id: &str) -> Result<String> {
        let session =
            AdapterSession { session_token: s.token.clone(), user_id: user_id.to_owned(), expires: date(s.expires) };
        Ok(self.0.create_session(session).await?.session_token)
    }

    async fn get_session_and_user(&self, token: &str) -> Result<Option<FoundSession>> {
        Ok(self.0.get_session_and_user(token).await?.map(|(s, u)| FoundSession {
            token: s.session_token,
            user_id: u.id,
            expires: s.expires.timestamp_millis(),
        }))
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<String>> {
        Ok(self.0.get_user_by_email(email).await?.map(|u| u.id))
    }

    async fn get_user_by_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<String>> {
        Ok(self.0.get_user_by_account(provider, provider_account_id).await?.map(|u| u.id))
    }

    async fn update_session(&self, token: &str, expires: i64) -> Result<Option<i64>> {
        let updated = self.0.update_session(SessionUpdate::expires(token, date(expires))).await?;
        Ok(updated.map(|s| s.expires.timestamp_millis()))
    }

    async fn create_verification_token(&self, v: &VerificationTokenSpec) -> Result<String> {
        let token =
            VerificationToken { identifier: v.identifier.clone(), token: v.token.clone(), expires: date(v.expires) };
        Ok(self.0.create_verification_token(token).await?.token)
    }

    async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<String>> {
        Ok(self.0.use_verification_token(identifier, token).await?.map(|v| v.token))
    }

    async fn delete_user(&self, id: &str) -> Result<Option<String>> {
        Ok(self.0.delete_user(id).await?.map(|u| u.id))
    }
}
