// Below 1440 px the admin menu starts folded (the « button opens it, and the choice is
// kept), so lists keep their columns; nav_sidebar.js reads this key when the page loads.
// Loaded in <head>, before nav_sidebar.js.
try {
  if (window.innerWidth < 1440 && localStorage.getItem("django.admin.navSidebarIsOpen") === null) {
    localStorage.setItem("django.admin.navSidebarIsOpen", "false");
  }
} catch (error) {}
