package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// usersData is the user list with the add form.
type usersData struct {
	Items []core.UserAccount
	Roles []string
	// Form is what the add form showed when it was refused.
	Form core.NewUser
}

var roles = []string{syncproto.RoleOfficer, syncproto.RoleSupervisor, syncproto.RoleAdmin}

func (h *Handler) users(c *gin.Context) {
	h.showUsers(c, http.StatusOK, core.NewUser{Role: syncproto.RoleOfficer}, "", "")
}

func (h *Handler) showUsers(c *gin.Context, status int, form core.NewUser, problem, detail string) {
	items, err := h.cfg.Accounts.ListUsers(c.Request.Context(), principal(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	form.Password = ""
	h.render(c, status, "users", view{Title: h.localizer(c).T("users.title"), Nav: "users", Problem: problem, Detail: detail,
		Self: "/admin/users", Data: usersData{Items: items, Roles: roles, Form: form}})
}

func (h *Handler) createUser(c *gin.Context) {
	u := core.NewUser{Username: strings.TrimSpace(c.PostForm("username")), Password: c.PostForm("password"),
		Role: c.PostForm("role"), TeamID: strings.TrimSpace(c.PostForm("team_id"))}
	if _, err := h.cfg.Accounts.CreateUser(c.Request.Context(), principal(c), u); err != nil {
		h.refuseUser(c, u, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?msg=user_created")
}

// updateUser applies one of the row's forms: op=active, role_team or
// password.
func (h *Handler) updateUser(c *gin.Context) {
	var patch core.UserPatch
	switch c.PostForm("op") {
	case "active":
		active := c.PostForm("active") == "true"
		patch.Active = &active
	case "role_team":
		role, team := c.PostForm("role"), strings.TrimSpace(c.PostForm("team_id"))
		patch.Role, patch.TeamID = &role, &team
	case "password":
		pw := c.PostForm("password")
		patch.Password = &pw
	default:
		h.refuseUser(c, core.NewUser{}, core.Errorf(syncproto.CodeInvalidRequest, "unknown change"))
		return
	}
	if _, err := h.cfg.Accounts.UpdateUser(c.Request.Context(), principal(c), strings.ToLower(c.Param("id")), patch); err != nil {
		h.refuseUser(c, core.NewUser{}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?msg=user_updated#user-"+url.PathEscape(c.Param("id")))
}

// refuseUser shows the users page again with why a change was refused;
// other errors get the error page.
func (h *Handler) refuseUser(c *gin.Context, form core.NewUser, err error) {
	switch core.ErrorCode(err) {
	case syncproto.CodeInvalidRequest, syncproto.CodeUsernameTaken, syncproto.CodeNotFound:
		status, msg, detail := h.explain(c, h.localizer(c), err)
		if form.Role == "" {
			form.Role = syncproto.RoleOfficer
		}
		h.showUsers(c, status, form, msg, detail)
	default:
		h.fail(c, err)
	}
}
